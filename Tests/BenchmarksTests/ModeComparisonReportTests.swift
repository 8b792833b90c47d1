import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LocalCluster
import Testing

@testable import Benchmarks

/// `zkafka compare`'s outputs from fixed rows: the mapping from a benchmark row, the table, the CSV and the SVG.
@Suite(.tags(.unit)) struct ModeComparisonReportTests {
    private func rows() -> [ModeComparisonRow] {
        var zk = ControllerBenchmarkResult(partitions: 1000)
        zk.controllerDetectionSeconds = 6.2
        zk.newControllerSeconds = 0.01
        zk.failoverMetadataSeconds = 1.5
        zk.brokerDetectionSeconds = 6.1
        zk.releadCachesSeconds = 0.4
        zk.controlledShutdownSeconds = 0.9
        zk.creationSeconds = 2
        zk.propagationSeconds = 0.1
        zk.peakResidentBytes = [1: 100 * 1_048_576, 2: 120 * 1_048_576, 3: 110 * 1_048_576]
        zk.controllers = [3, 2]
        var kraft = ModeComparisonRow(mode: .kraft, partitions: 1000)
        kraft.controllerDetection = 2.0
        kraft.newController = 0.3
        kraft.controllerPeakBytes = 40 * 1_048_576
        kraft.notes = ["N=1000 kraft: no brokers"]
        var small = ModeComparisonRow(mode: .kraft, partitions: 100)
        small.newController = 0.2
        return [kraft, ModeComparisonRow(mode: .zookeeper, result: zk), small]
    }

    @Test func row_fromBenchmarkResult_keepsDetectionAndRecoveryApart() {
        let zk = rows()[1]
        #expect(zk.mode == .zookeeper && zk.partitions == 1000)
        #expect(zk.controllerDetection == 6.2 && zk.newController == 0.01 && zk.metadataCurrent == 1.5)
        #expect(zk.brokerDetection == 6.1 && zk.brokerRelead == 0.4 && zk.controlledShutdown == 0.9)
        #expect(zk.creationRate == 500)
        // ZooKeeper mode's controller is a broker: its peak is the controller broker's (3 and then 2).
        #expect(zk.controllerPeakBytes == 120 * 1_048_576 && zk.brokerPeakBytes == 120 * 1_048_576)
    }

    @Test func table_sortsByPartitionsThenZooKeeperFirst_andShowsGaps() {
        let lines = ModeComparisonReport.table(rows()).split(separator: "\n").map(String.init)
        #expect(lines[0].contains("ctrl detect") && lines[0].contains("broker detect"))
        #expect(lines[1].hasPrefix(" 100") && lines[1].contains("kraft"))
        #expect(lines[2].contains("1000") && lines[2].contains("zk") && lines[2].contains("6.20 s"))
        #expect(lines[3].contains("kraft") && lines[3].contains("2.00 s") && lines[3].contains("-"))
        #expect(lines.contains("note: N=1000 kraft: no brokers"))
    }

    @Test func csv_hasAHeaderAndARowPerModeAndCount() {
        let lines = ModeComparisonReport.csv(rows()).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("partitions,mode,controller_detection_s,new_controller_s,metadata_current_s,broker_detection_s"))
        #expect(lines[0].hasSuffix(",notes"))
        let columns = lines[0].split(separator: ",").count
        #expect(lines[2].hasPrefix("1000,zk,6.200,0.010,1.500,6.100,0.400,0.900,500.000,0.100,"))
        #expect(lines[3].hasPrefix("1000,kraft,2.000,0.300,,,"))
        #expect(lines[3].hasSuffix("\"N=1000 kraft: no brokers\""))
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns })
    }

    @Test func svg_isWellFormedWithABarPerMeasuredFigure() throws {
        let svg = ModeComparisonChart.svg(rows(), title: "A & B <test>")
        let document = try XMLDocument(xmlString: svg)
        #expect(document.rootElement()?.name == "svg")
        // Bars: every measured seconds figure; rates and memory stay out of the chart.
        let measured = rows().flatMap { row in ModeComparisonChart.charted.compactMap { $0.value(row) } }.count
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == measured + ClusterMode.allCases.count)  // + legend swatches
        #expect(svg.contains("A &amp; B &lt;test&gt;"))
        #expect(svg.contains("N=100") && svg.contains("N=1000"))
        #expect(svg.contains("ZooKeeper mode") && svg.contains("KRaft"))
    }
}
