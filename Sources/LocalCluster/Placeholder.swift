// Placeholder; filled by the LocalCluster work.
public enum LocalClusterPlaceholder {}
