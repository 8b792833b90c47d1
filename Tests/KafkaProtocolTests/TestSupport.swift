import NIOCore

/// Hex helpers shared by the protocol tests.
func bytes(hex: String) -> [UInt8] {
    let clean = hex.filter { $0.isHexDigit }
    precondition(clean.count % 2 == 0, "odd hex length")
    var out: [UInt8] = []
    out.reserveCapacity(clean.count / 2)
    var index = clean.startIndex
    while index < clean.endIndex {
        let next = clean.index(index, offsetBy: 2)
        out.append(UInt8(clean[index..<next], radix: 16)!)
        index = next
    }
    return out
}

func buffer(hex: String) -> ByteBuffer {
    ByteBuffer(bytes: bytes(hex: hex))
}

func hexString(_ buffer: ByteBuffer) -> String {
    buffer.readableBytesView.map { b in
        let s = String(b, radix: 16)
        return s.count == 1 ? "0" + s : s
    }.joined()
}

/// Removes the spaces used to group hex digits in test literals.
func compact(_ hex: String) -> String {
    hex.filter { !$0.isWhitespace }
}
