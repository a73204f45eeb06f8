/// Which start tags close which open elements, as libxml2 2.9.14's HTML parser decides it (its
/// htmlStartClose pairs, restated here grouped by the open element): "open element: start tags that
/// close it". `<p>` closes an open `<p>`, `<li>` an open `<li>`, a block start an open `<p>`, a new cell
/// or row the open one. Only these implied ends change the text walker's events, so they are copied
/// exactly; everything else about the HTML 4 DTD is ignored.
struct HTMLAutoClose {
    private var matrix = [Bool](repeating: false, count: 128 * 128)

    static let shared = HTMLAutoClose()

    private static let rules: [String] = [
        "a: a fieldset table td th",
        "address: dd dl dt form li ul",
        "b: center p td th",
        "big: p",
        "caption: col colgroup tbody tfoot thead tr",
        "col: col colgroup tbody tfoot thead tr",
        "colgroup: colgroup tbody tfoot thead tr",
        "dd: dt",
        "dir: dd dl dt form ul",
        "dl: form li",
        "dt: dd dl",
        "font: center td th",
        "form: form",
        "h1: fieldset form li p table",
        "h2: fieldset form li p table",
        "h3: fieldset form li p table",
        "h4: fieldset form li p table",
        "h5: fieldset form li p table",
        "h6: fieldset form li p table",
        "head: a abbr acronym address b bdo big blockquote body br center cite code dd dfn dir div dl dt em fieldset font form frameset h1 h2 h3 h4 h5 h6 hr i iframe img kbd li listing map menu ol p pre q s samp small span strike strong sub sup table tt u ul var xmp",
        "hr: form",
        "i: center p td th",
        "legend: fieldset",
        "li: li",
        "link: body frameset",
        "listing: dd dl dt fieldset form li table ul",
        "menu: dd dl dt form ul",
        "ol: form ul",
        "option: optgroup option",
        "p: address blockquote body caption center col colgroup dd dir div dl dt fieldset form frameset h1 h2 h3 h4 h5 h6 head hr li listing menu ol p pre table tbody td tfoot th title tr ul xmp",
        "pre: dd dl dt fieldset form li table ul",
        "s: p",
        "script: noscript",
        "small: p",
        "span: td th",
        "strike: p",
        "style: body frameset",
        "tbody: tbody tfoot",
        "td: tbody td tfoot th tr",
        "tfoot: tbody",
        "th: tbody td tfoot th tr",
        "thead: tbody tfoot",
        "title: body frameset",
        "tr: tbody tfoot tr",
        "tt: p",
        "u: p td th",
        "ul: address form menu ol pre",
        "xmp: dd dl dt fieldset form li table ul",
    ]

    private init() {
        var byName: [String: HTMLElementName] = [:]
        for name in HTMLElementName.allCases { byName["\(name)"] = name }
        for rule in Self.rules {
            let parts = rule.split(separator: ":")
            guard let open = byName[String(parts[0])] else { preconditionFailure("HTMLAutoClose: \(parts[0])") }
            for new in parts[1].split(separator: " ") {
                guard let start = byName[String(new)] else { preconditionFailure("HTMLAutoClose: \(new)") }
                matrix[Int(start.rawValue) * 128 + Int(open.rawValue)] = true
            }
        }
    }

    /// Whether a start tag `new` closes the open element `open`.
    @inline(__always)
    func closes(_ new: HTMLElementName, _ open: HTMLElementName) -> Bool {
        matrix[Int(new.rawValue) &* 128 &+ Int(open.rawValue)]
    }
}
