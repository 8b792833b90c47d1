import Foundation
import LocalCluster

/// `zkafka compare --svg`: a hand-written SVG of grouped bars, one panel per time figure
/// (detection and recovery apart), a group per partition count, ZooKeeper mode's bar beside KRaft's.
/// Each panel has its own linear scale from 0, labelled with its maximum; missing figures leave a gap
/// marked "–".
public enum ModeComparisonChart {
    static let panelWidth = 300.0
    static let panelHeight = 180.0
    static let panelsPerLine = 3
    static let colors: [ClusterMode: String] = [.zookeeper: "#4e79a7", .kraft: "#f28e2b"]

    /// The figures in seconds that are charted (rates and memory are in the table and CSV).
    static let charted = ModeComparisonRow.columns.filter { $0.csv.hasSuffix("_s") }

    public static func svg(_ rows: [ModeComparisonRow], title: String) -> String {
        let counts = Array(Set(rows.map(\.partitions))).sorted()
        let modes = ClusterMode.allCases
        let lines = (charted.count + panelsPerLine - 1) / panelsPerLine
        let width = Double(panelsPerLine) * panelWidth + 20
        let height = Double(lines) * (panelHeight + 30) + 70
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="10" y="20" font-size="14" font-weight="bold">\(escape(title))</text>

            """
        for (index, mode) in modes.enumerated() {
            let x = 10.0 + Double(index) * 140
            svg += "<rect x=\"\(x)\" y=\"30\" width=\"12\" height=\"12\" fill=\"\(colors[mode]!)\"/>"
            svg += "<text x=\"\(x + 16)\" y=\"40\">\(mode == .zookeeper ? "ZooKeeper mode" : "KRaft")</text>\n"
        }
        for (panel, column) in charted.enumerated() {
            let originX = 10.0 + Double(panel % panelsPerLine) * panelWidth
            let originY = 60.0 + Double(panel / panelsPerLine) * (panelHeight + 30)
            svg += panelSVG(column.title, value: column.value, rows: rows, counts: counts, modes: modes, x: originX, y: originY)
        }
        return svg + "</svg>\n"
    }

    static func panelSVG(
        _ title: String, value: (ModeComparisonRow) -> Double?, rows: [ModeComparisonRow], counts: [Int], modes: [ClusterMode],
        x: Double, y: Double
    ) -> String {
        let plotTop = y + 20, plotBottom = y + panelHeight - 20, plotLeft = x + 40, plotRight = x + panelWidth - 20
        let values = rows.compactMap(value)
        let maximum = max(values.max() ?? 0, 0.001)
        var svg = "<g>\n<text x=\"\(x + 4)\" y=\"\(y + 12)\" font-weight=\"bold\">\(escape(title)) (s)</text>\n"
        svg += "<line x1=\"\(plotLeft)\" y1=\"\(plotBottom)\" x2=\"\(plotRight)\" y2=\"\(plotBottom)\" stroke=\"#333\"/>\n"
        svg += "<line x1=\"\(plotLeft)\" y1=\"\(plotTop)\" x2=\"\(plotLeft)\" y2=\"\(plotBottom)\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(plotLeft - 4)\" y=\"\(plotTop + 4)\" text-anchor=\"end\">\(String(format: "%.2f", maximum))</text>\n"
        svg += "<text x=\"\(plotLeft - 4)\" y=\"\(plotBottom)\" text-anchor=\"end\">0</text>\n"
        let groupWidth = (plotRight - plotLeft) / Double(max(1, counts.count))
        let barWidth = groupWidth * 0.7 / Double(modes.count)
        for (group, partitions) in counts.enumerated() {
            let groupLeft = plotLeft + Double(group) * groupWidth + groupWidth * 0.15
            for (index, mode) in modes.enumerated() {
                let barLeft = groupLeft + Double(index) * barWidth
                let row = rows.first { $0.partitions == partitions && $0.mode == mode }
                guard let figure = row.flatMap(value) else {
                    svg += "<text x=\"\(barLeft + barWidth / 2)\" y=\"\(plotBottom - 3)\" text-anchor=\"middle\" fill=\"#999\">–</text>\n"
                    continue
                }
                let height = (plotBottom - plotTop) * figure / maximum
                svg += "<rect x=\"\(barLeft)\" y=\"\(plotBottom - height)\" width=\"\(barWidth)\" height=\"\(height)\" fill=\"\(colors[mode]!)\">"
                svg += "<title>\(mode.rawValue) N=\(partitions): \(String(format: "%.3f", figure)) s</title></rect>\n"
            }
            svg += "<text x=\"\(groupLeft + barWidth * Double(modes.count) / 2)\" y=\"\(plotBottom + 14)\" text-anchor=\"middle\">N=\(partitions)</text>\n"
        }
        return svg + "</g>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
