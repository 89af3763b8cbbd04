using Medley.Data.Imaging;

namespace Medley.Data.Tests;

public class ImagingErrorTests : IDisposable
{
    private readonly TempFolder _tmp = new();
    public void Dispose() => _tmp.Dispose();

    private string Written(string ext, int channels = 3)
    {
        var path = _tmp.File("ok" + ext);
        var pixels = channels == 3 ? TestPictures.Rgb(32, 24) : TestPictures.Gray(32, 24);
        ImageCodec.Write(path, ImageData.FromUInt8(pixels, 32, 24, channels));
        return path;
    }

    private static DataFileException Fails(string path, string fragment)
    {
        var e = Assert.Throws<DataFileException>(() => ImageCodec.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message);
        Assert.Contains(fragment, e.Message, StringComparison.OrdinalIgnoreCase);
        return e;
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    [InlineData(".tif")]
    [InlineData(".bmp")]
    public void TruncatedFilesAreRejectedNamingTheFile(string ext)
    {
        var ok = Written(ext);
        var bytes = File.ReadAllBytes(ok);
        var cut = _tmp.File("cut" + ext);
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        Fails(cut, "truncated");
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    public void CorruptBodiesAreRejectedNamingTheFile(string ext)
    {
        var bytes = File.ReadAllBytes(Written(ext));
        // keep the signature and the end marker, scramble the middle
        var body = TestPictures.Random(bytes.Length - 40, 9);
        Array.Copy(body, 0, bytes, 20, body.Length);
        var bad = _tmp.File("corrupt" + ext);
        File.WriteAllBytes(bad, bytes);
        var e = Assert.Throws<DataFileException>(() => ImageCodec.Read(bad));
        Assert.StartsWith(bad, e.Message);
    }

    [Fact]
    public void EmptyFileIsRejected() 
    {
        var path = _tmp.File("empty.png");
        File.WriteAllBytes(path, Array.Empty<byte>());
        Fails(path, "empty");
    }

    [Fact]
    public void TextFileNamedPngIsRejected()
    {
        var path = _tmp.File("notes.png");
        File.WriteAllText(path, "this is not an image, just some text\n");
        Fails(path, "not a supported image");
    }

    [Fact]
    public void MissingFileIsRejected()
    {
        Fails(_tmp.File("nowhere.jpg"), "does not exist");
    }

    [Fact]
    public void WrongArgumentsAreArgumentExceptions()
    {
        var path = Written(".png");
        Assert.Throws<ArgumentException>(() => ImageCodec.Read(path, new ImageReadOptions { Width = 0, Height = 5 }));
        Assert.Throws<ArgumentException>(() => ImageCodec.Read(path, new ImageReadOptions { Width = 5 }));
        Assert.Throws<ArgumentException>(() => ImageData.FromUInt8(new byte[10], 2, 2, 3));
        Assert.Throws<ArgumentException>(() => ImageData.FromUInt8(new byte[8], 2, 2, 2));
        Assert.Throws<ArgumentException>(() => ImageCodec.Write(_tmp.File("x.gif"), ImageData.FromUInt8(new byte[4], 2, 2, 1)));
        Assert.Throws<ArgumentException>(() => ImageCodec.Write(_tmp.File("x.jpg"), ImageData.FromUInt16(new ushort[4], 2, 2, 1)));
        Assert.Throws<ArgumentException>(() => ImageCodec.Resize(ImageData.FromUInt8(new byte[4], 2, 2, 1), 0, 3));
    }
}
