public enum ZooKeeperPlaceholder {}
