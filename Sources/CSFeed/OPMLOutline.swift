internal import CLibXML2
import CSCore

/// One `<outline>` of an OPML subscription list that names a feed (`xmlUrl`), at any depth.
public struct OPMLOutline: Sendable, Equatable {
    /// The attribute's text, character references and the predefined entities (&amp;) decoded.
    public let xmlUrl: String
    /// The line of the outline in the list.
    public let line: Int
    /// Entities the value refers to that a DTD would define: they are not expanded (a list must not
    /// turn into URLs it does not spell), so an outline that uses one names no feed.
    public let unexpandedEntities: [String]
}

/// A list libxml2 cannot read as XML: its first error, with the line.
public struct OPMLError: Error, Sendable {
    public let line: Int
    public let message: String
}

/// OPML subscription lists (cs-fetch `--feeds`), read with libxml2: outlines are found wherever they are
/// nested; comments and CDATA sections are text, not outlines; no network, no external DTD, and entities
/// are not expanded (no XML_PARSE_NOENT, no XML_PARSE_DTDLOAD).
public enum OPMLReader {
    public static func outlines(in document: [UInt8], url: String?) throws(OPMLError) -> [OPMLOutline] {
        _ = libxml2Initialized
        cs_xml_silence_generic_errors()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOERROR.rawValue)
        let errors = XMLErrorLog()
        var found: [OPMLOutline] = []
        let status: Int32 = document.withUnsafeBytes { bytes in
            guard let reader = xmlReaderForMemory(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(clamping: bytes.count),
                                                  url, nil, options) else { return -1 }
            defer { xmlFreeTextReader(reader) }
            xmlTextReaderSetStructuredErrorHandler(reader, { ctx, error in
                guard let ctx, let error else { return }
                Unmanaged<XMLErrorLog>.fromOpaque(ctx).takeUnretainedValue().record(error.pointee)
            }, Unmanaged.passUnretained(errors).toOpaque())
            var status: Int32
            repeat {
                status = xmlTextReaderRead(reader)
                guard status == 1, xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue),
                      String(cString: xmlTextReaderConstLocalName(reader)) == "outline",
                      let outline = xmlURL(reader) else { continue }
                found.append(outline)
            } while status == 1
            return status
        }
        // Any error ends the list: a malformed list might hide or invent entries.
        if let e = errors.firstFatal { throw OPMLError(line: e.line, message: e.message) }
        if status < 0 { throw OPMLError(line: 0, message: "libxml2 could not read the document") }
        return found
    }

    /// The outline's `xmlUrl` from the attribute's own nodes: text is kept, an entity reference is named
    /// and left out (xmlTextReaderGetAttribute would expand it).
    private static func xmlURL(_ reader: xmlTextReaderPtr) -> OPMLOutline? {
        // The element's own line (the parser's line is further on: it reads ahead).
        let line = xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) } ?? 0
        guard xmlTextReaderMoveToAttribute(reader, "xmlUrl") == 1 else { return nil }
        defer { xmlTextReaderMoveToElement(reader) }
        var value = ""
        var entities: [String] = []
        while xmlTextReaderReadAttributeValue(reader) == 1 {
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_TEXT.rawValue):
                if let text = xmlTextReaderConstValue(reader) { value += String(cString: text) }
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                entities.append(String(cString: xmlTextReaderConstName(reader)))
            default:
                break
            }
        }
        return OPMLOutline(xmlUrl: value.trimmingSpaces, line: line, unexpandedEntities: entities)
    }
}
