/// Kafka's `SecurityProtocol` ids, as RegisterBrokerRecord carries them.
public enum SecurityProtocolID {
    public static func name(_ id: Int16) -> String {
        switch id {
        case 0: "PLAINTEXT"
        case 1: "SSL"
        case 2: "SASL_PLAINTEXT"
        case 3: "SASL_SSL"
        default: "UNKNOWN(\(id))"
        }
    }

    public static func id(_ name: String) -> Int16 {
        switch name {
        case "SSL": 1
        case "SASL_PLAINTEXT": 2
        case "SASL_SSL": 3
        default: 0
        }
    }
}
