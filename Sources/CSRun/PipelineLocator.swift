/// Where `cs run NAME` finds a pipeline file.
public enum PipelineLocator {
    /// The folders searched for a bare NAME, in order: ./pipelines, then the pipelines installed beside
    /// this executable (`make install`: PREFIX/bin/cs and PREFIX/share/cs/pipelines).
    public static var folders: [String] {
        var folders = ["pipelines"]
        if let own = StageLocator.ownDirectory { folders.append(own + "/../share/cs/pipelines") }
        return folders
    }

    /// The file for `name`: a path as given (an existing file, or any name with a '/'), else the first
    /// folder holding it; else ./pipelines/NAME, for the error message.
    public static func path(for name: String) -> String {
        if name.contains("/") || StageLocator.isReadable(name) { return name }
        for folder in folders where StageLocator.isReadable(folder + "/" + name) { return folder + "/" + name }
        return "pipelines/" + name
    }
}
