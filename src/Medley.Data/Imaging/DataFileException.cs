namespace Medley.Data.Imaging;

/// <summary>A data file that cannot be read: missing, empty, corrupt, truncated or of an unsupported kind.
/// The message always starts with the file's path.</summary>
public class DataFileException : IOException
{
    /// <summary>The file (or folder, for a DICOM series) that failed.</summary>
    public string FilePath { get; }

    public DataFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
    }
}
