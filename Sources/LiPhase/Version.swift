/// The software version, embedded in every output and checkpoint.
public enum LiPhaseVersion {
    public static let string = "0.1.0"
}
