using System.Security.Cryptography;
using System.Text;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Submissions;

public sealed class AttachmentStoreTests(TestApp app) : IClassFixture<TestApp>
{
    private AttachmentStore Store => app.Factory.Services.GetRequiredService<AttachmentStore>();

    /// <summary>A file of <paramref name="size"/> bytes that starts like <paramref name="head"/>, generated as it is read.</summary>
    private static Stream Generated(byte[] head, long size) => new PatternStream(head, size);

    private async Task<int> VisibleBlobsAsync(string prefix) => (await app.Stored.AttachmentsAsync(prefix)).Count;

    [Fact]
    public async Task A_large_file_is_staged_invisibly_then_committed_with_its_sha256_and_vietnamese_name()
    {
        var size = 21L * 1024 * 1024 + 123;
        var expected = Convert.ToHexStringLower(await SHA256.HashDataAsync(Generated("%PDF-1.7\n"u8.ToArray(), size), TestContext.Current.CancellationToken));
        var name = "Báo cáo sơ kết 6 tháng đầu năm.pdf".Normalize(NormalizationForm.FormD);

        var (staged, refusal) = await Store.StageAsync(Generated("%PDF-1.7\n"u8.ToArray(), size), name, "2026-H1/HU-DONGSON", 100L * 1024 * 1024,
            TestContext.Current.CancellationToken);
        Assert.Null(refusal);
        Assert.Equal(0, await VisibleBlobsAsync("2026-H1/HU-DONGSON"));
        var stored = await Store.CommitAsync(staged!, TestContext.Current.CancellationToken);

        Assert.Equal(size, stored!.Size);
        Assert.Equal(expected, stored.Sha256);
        Assert.Equal("Báo cáo sơ kết 6 tháng đầu năm.pdf".Normalize(NormalizationForm.FormC), stored.FileName);
        Assert.Equal("application/pdf", stored.ContentType);
        Assert.Matches("^2026-H1/HU-DONGSON/[0-9a-f]{32}\\.pdf$", stored.BlobName);

        var blob = app.Stored.Attachment(stored.BlobName);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value;
        Assert.Equal(size, properties.ContentLength);
        Assert.Equal(stored.FileName, Uri.UnescapeDataString(properties.Metadata["filename"]));
        await using var download = await blob.OpenReadAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(expected, Convert.ToHexStringLower(await SHA256.HashDataAsync(download, TestContext.Current.CancellationToken)));
    }

    [Theory]
    [InlineData("bao-cao.pdf", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, 415, "content-mismatch")]
    [InlineData("bang-so-lieu.xlsx", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, 415, "content-mismatch")]
    [InlineData("chuong-trinh.exe", new byte[] { 0x4D, 0x5A }, 415, "unsupported-file-type")]
    [InlineData("../../etc/passwd.pdf", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, 400, "invalid-file-name")]
    [InlineData("bao-cao\u202Efdp.exe", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, 400, "invalid-file-name")]
    [InlineData("bao\u0000cao.pdf", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, 400, "invalid-file-name")]
    [InlineData("", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D }, 400, "invalid-file-name")]
    public async Task A_file_that_lies_about_its_type_or_has_a_dangerous_name_is_refused_and_leaves_nothing(string name, byte[] head, int status, string code)
    {
        var prefix = $"refused/{Guid.NewGuid():n}";
        var (staged, refusal) = await Store.StageAsync(Generated(head, 64 * 1024), name, prefix, 10 * 1024 * 1024, TestContext.Current.CancellationToken);
        Assert.Null(staged);
        Assert.Equal(status, refusal!.Status);
        Assert.Equal(code, refusal.Code);
        Assert.Equal(0, await VisibleBlobsAsync(prefix));
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_413_after_streaming_and_leaves_nothing_visible()
    {
        var prefix = $"too-large/{Guid.NewGuid():n}";
        var (staged, refusal) = await Store.StageAsync(Generated("%PDF-"u8.ToArray(), 9L * 1024 * 1024), "lon.pdf", prefix, 5L * 1024 * 1024,
            TestContext.Current.CancellationToken);
        Assert.Null(staged);
        Assert.Equal(413, refusal!.Status);
        Assert.Equal(0, await VisibleBlobsAsync(prefix));
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var (_, refusal) = await Store.StageAsync(new MemoryStream(), "trong.pdf", "empty", 1024, TestContext.Current.CancellationToken);
        Assert.Equal("empty-file", refusal!.Code);
    }

    /// <summary>A read-only, non-seekable stream of a head followed by a repeating pattern: large files without large memory.</summary>
    private sealed class PatternStream(byte[] head, long length) : Stream
    {
        private long _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++, _position++)
            {
                buffer[offset + i] = _position < head.Length ? head[_position] : (byte)(_position * 31 % 251);
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
