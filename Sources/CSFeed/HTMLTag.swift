/// How the text walker treats an HTML element.
enum HTMLTag {
    case dropped, heading(Int), br, cell, listItem, paragraph, block, inline

    init(_ name: HTMLElementName) {
        switch name {
        case .script, .style, .noscript, .template, .head, .title: self = .dropped
        case .h1: self = .heading(1)
        case .h2: self = .heading(2)
        case .h3: self = .heading(3)
        case .h4: self = .heading(4)
        case .h5: self = .heading(5)
        case .h6: self = .heading(6)
        case .br: self = .br
        case .td, .th: self = .cell
        case .li, .dt, .dd: self = .listItem
        case .p: self = .paragraph
        case .div, .ul, .ol, .dl, .table, .thead, .tbody, .tfoot, .tr, .caption, .blockquote, .pre, .section, .article,
             .header, .footer, .aside, .nav, .main, .figure, .figcaption, .hr, .address, .details, .summary, .form,
             .fieldset, .body, .html:
            self = .block
        default: self = .inline
        }
    }
}
