/// The precedence of the elements that give an item's dates: the standard element of the format wins
/// over older and borrowed ones, whatever their order in the item.
/// published: RSS `pubDate`, Atom `published`, then `issued` (Atom 0.3, `dcterms:issued`), then `created`
/// (Atom 0.3, `dcterms:created`), then `dc:date`. modified: Atom `updated`, then `modified` (Atom 0.3,
/// `dcterms:modified`), then `dc:date`.
enum DateRank {
    static let standard = 0
    static let issued = 1
    static let created = 2
    static let modified = 1
    static let dublinCore = 3
}
