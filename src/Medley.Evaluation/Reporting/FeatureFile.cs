using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Medley.Evaluation.Reporting;

/// <summary>A tensor of features.safetensors as doubles: shape and row-major values.</summary>
public sealed record FeatureTensor(long[] Shape, double[] Values)
{
    public int Rows => (int)Shape[0];
    public int Columns => Shape.Length > 1 ? (int)(Values.Length / Math.Max(1, Shape[0])) : 1;

    /// <summary>The tensor as a [rows, columns] matrix (trailing dimensions flattened).</summary>
    public double[,] ToMatrix()
    {
        var m = new double[Rows, Columns];
        Buffer.BlockCopy(Values, 0, m, 0, Values.Length * sizeof(double));
        return m;
    }
}

/// <summary>
/// Reads features.safetensors (F_I, F_L, F_fuse, S, labels) without the engine: the format is an 8-byte
/// little-endian header length, a JSON header (dtype, shape, data_offsets per tensor) and the raw data.
/// Float (F64/F32/F16/BF16) and integer (I64/I32/I16/I8/U8/BOOL) tensors are converted to doubles.
/// </summary>
public static class FeatureFile
{
    public static Dictionary<string, FeatureTensor> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string what) => new($"{path}: not a valid safetensors file ({what}).");
        if (bytes.Length < 8) throw Bad("shorter than the 8-byte header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8)) throw Bad($"header length {headerLength} exceeds the file size");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject ?? throw Bad("the header is not a JSON object");
        }
        catch (JsonException e) { throw Bad("the header is not valid JSON: " + e.Message); }

        var dataStart = 8 + (long)headerLength;
        var result = new Dictionary<string, FeatureTensor>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            try
            {
                var o = (JsonObject)node!;
                var dtype = o["dtype"]!.GetValue<string>();
                var shape = o["shape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
                var offsets = o["data_offsets"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
                var count = shape.Aggregate(1L, (a, b) => a * b);
                var size = ElementSize(dtype) ?? throw Bad($"tensor '{name}' has unsupported dtype {dtype}");
                if (offsets.Length != 2 || offsets[1] - offsets[0] != count * size || dataStart + offsets[1] > bytes.Length)
                    throw Bad($"tensor '{name}' has data offsets that do not match its shape");
                result[name] = new FeatureTensor(shape, Convert(bytes.AsSpan((int)(dataStart + offsets[0]), (int)(count * size)), dtype, (int)count));
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or InvalidCastException or FormatException)
            {
                throw Bad($"tensor '{name}' needs dtype, shape and data_offsets");
            }
        }
        return result;
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => null,
    };

    private static double[] Convert(ReadOnlySpan<byte> data, string dtype, int count)
    {
        var v = new double[count];
        for (var i = 0; i < count; i++)
            v[i] = dtype switch
            {
                "F64" => BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]),
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]),
                "F16" => (double)BinaryPrimitives.ReadHalfLittleEndian(data[(i * 2)..]),
                // bfloat16 is the upper half of a float32.
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]) << 16),
                "I64" => BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..]),
                "U64" => BinaryPrimitives.ReadUInt64LittleEndian(data[(i * 8)..]),
                "I32" => BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]),
                "U32" => BinaryPrimitives.ReadUInt32LittleEndian(data[(i * 4)..]),
                "I16" => BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]),
                "U16" => BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]),
                "I8" => (sbyte)data[i],
                _ => data[i], // U8, BOOL
            };
        return v;
    }
}
