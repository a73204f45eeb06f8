/// A category's tag is its text: markup in it (an `<img>` icon, `<b>`, escaped or not) is dropped, so a
/// category that is only an image gives no tag at all.
enum CategoryText {
    static func plain(_ raw: String) -> String {
        raw.utf8.contains(UInt8(ascii: "<")) ? HTMLText.singleLine(raw) : raw
    }
}

extension CategoryText {
    /// The tag of a category element: its own text when it holds elements too (an `<image>` inside a
    /// `<category>`: the image's url and title are no part of the tag), else all its text.
    static func of(_ e: XMLElement, budget: inout Int) throws(ItemTextBudgetExceeded) -> String {
        plain(e.hasElementChildren ? try e.ownText(budget: &budget) : try e.text(budget: &budget))
    }
}
