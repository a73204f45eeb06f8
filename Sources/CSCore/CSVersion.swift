/// The version cs reports, the record schema it writes and the stage contract it follows.
public enum CSVersion {
    public static let string = "0.1.0"
    public static let schema = "cs.advisory/1"
    public static let contract = "cs.stage/1"
}
