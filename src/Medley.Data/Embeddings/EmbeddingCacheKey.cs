using System.Security.Cryptography;
using System.Text;

namespace Medley.Data.Embeddings;

/// <summary>
/// What a cached embedding depends on besides the sample: the encoder (a name plus its weights hash, so new weights
/// are a new encoder) and the preprocessing applied before it. A different key is a different cache: nothing
/// computed under one key is ever returned under another.
/// </summary>
public sealed record EmbeddingCacheKey(string EncoderId, string PreprocessingHash)
{
    /// <summary>An encoder id of the form "name@sha256:…" from the weights file's contents.</summary>
    public static string EncoderIdOf(string name, string weightsPath) => $"{name}@sha256:{HashFile(weightsPath)}";

    /// <summary>Hex SHA-256 of a file's contents (streamed; fine for multi-GB weights).</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Hex SHA-256 of a text, e.g. the JSON of the fitted preprocessing.</summary>
    public static string HashText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The cache's folder name: a digest of the whole key (encoder ids can hold any characters).</summary>
    internal string FolderName => "emb-" + HashText($"medley-embedding-cache-v1\n{EncoderId}\n{PreprocessingHash}")[..24];

    /// <summary>The key as written to the folder's key file and compared on open.</summary>
    internal string Describe() => $"medley-embedding-cache-v1\nencoder: {EncoderId}\npreprocessing: {PreprocessingHash}\n";
}
