/// A category's tag is its text: markup in it (an `<img>` icon, `<b>`, escaped or not) is dropped, so a
/// category that is only an image gives no tag at all.
enum CategoryText {
    static func plain(_ raw: String) -> String {
        raw.utf8.contains(UInt8(ascii: "<")) ? HTMLText.singleLine(raw) : raw
    }
}
