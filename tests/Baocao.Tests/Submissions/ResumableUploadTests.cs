using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs.Models;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Submissions;

/// <summary>The tus protocol spoken by hand, one header at a time, against the demo province.</summary>
public sealed class ResumableUploadTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string Tus = "1.0.0";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Metadata(string fileName) => $"filename {Convert.ToBase64String(Encoding.UTF8.GetBytes(fileName))},filetype {Convert.ToBase64String("application/pdf"u8)}";

    private static Task<HttpResponseMessage> SendAsync(Submitter unit, HttpMethod method, string path, HttpContent? content = null,
        Action<HttpRequestMessage>? headers = null, string? tus = Tus) => SendAsync(unit.Client, method, path, content, headers, tus);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null,
        Action<HttpRequestMessage>? headers = null, string? tus = Tus, CancellationToken? cancellation = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (tus is not null) request.Headers.Add("Tus-Resumable", tus);
        headers?.Invoke(request);
        return await client.SendAsync(request, cancellation ?? Ct);
    }

    private static async Task<string> CreateAsync(Submitter unit, long length, string fileName = "Hồ sơ quét.pdf")
    {
        var created = await SendAsync(unit, HttpMethod.Post, unit.ReportPath() + "/uploads", headers: r =>
        {
            r.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            r.Headers.Add("Upload-Metadata", Metadata(fileName));
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Tus, created.Headers.GetValues("Tus-Resumable").Single());
        Assert.True(created.Headers.Contains("Upload-Expires"));
        return created.Headers.Location!.OriginalString;
    }

    private static ByteArrayContent Chunk(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return content;
    }

    private static Task<HttpResponseMessage> PatchAsync(Submitter unit, string location, long offset, byte[] bytes) => PatchAsync(unit.Client, location, offset, bytes);

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, long offset, byte[] bytes) =>
        SendAsync(client, HttpMethod.Patch, location, Chunk(bytes), r => r.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<long> OffsetAsync(Submitter unit, string location)
    {
        var head = await SendAsync(unit, HttpMethod.Head, location);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("no-store", head.Headers.CacheControl?.ToString());
        return long.Parse(head.Headers.GetValues("Upload-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string IdOf(string location) => location[(location.LastIndexOf('/') + 1)..];

    /// <summary>A scan's bytes: a PDF head, then noise, so a byte out of place changes the SHA-256.</summary>
    private static byte[] Scan(int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        Submitter.PdfHead.CopyTo(bytes, 0);
        return bytes;
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static Task<HttpResponseMessage> PatchPausingAsync(Submitter unit, string location, long offset, byte[] bytes, int pauseAfter, Func<Task> meanwhile,
        CancellationToken? cancellation = null)
    {
        var content = new PausingChunk(bytes, pauseAfter, meanwhile);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return SendAsync(unit.Client, HttpMethod.Patch, location, content,
            r => r.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellation: cancellation);
    }

    /// <summary>The good report, naming these uploads as its files.</summary>
    private static string ReportNaming(params string[] uploadIds) =>
        Submitter.GoodReport.Replace("\"note\"", $"\"uploads\": [{string.Join(", ", uploadIds.Select(id => $"\"{id}\""))}], \"note\"", StringComparison.Ordinal);

    /// <summary>Submits the good report naming one finished upload; the attachment it became.</summary>
    private static async Task<AttachmentLink> AttachAsync(Submitter unit, string location) =>
        Assert.Single((await (await unit.SubmitAsync(Submitter.Form(ReportNaming(IdOf(location))))).ReadAsAsync<SubmissionReceipt>()).Attachments);

    /// <summary>
    /// A new scan's upload through an instance whose every storage request may take 1 s at most (the app, and the
    /// instance to dispose).
    /// </summary>
    private async Task<(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> Strict, Submitter Unit, byte[] File, string Location)> UploadThroughStrictStorageAsync(
        string unitCode, int size, string fileName, StorageProbe? probe = null)
    {
        var strict = app.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:NetworkTimeout", "00:00:01");
            if (probe is not null) web.ConfigureTestServices(s => s.AddSingleton<HttpPipelinePolicy>(probe));
        });
        var unit = (await Submitter.ForAsync(app, unitCode)).Through(strict);
        var file = Scan(size);
        return (strict, unit, file, await CreateAsync(unit, file.Length, fileName));
    }

    /// <summary>
    /// A chunk of known length that sends its first <paramref name="pauseAfter"/> bytes, waits for
    /// <paramref name="meanwhile"/>, then sends the rest; the client breaks off there when <paramref name="meanwhile"/> throws.
    /// </summary>
    private sealed class PausingChunk(byte[] bytes, int pauseAfter, Func<Task> meanwhile) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, pauseAfter));
            await stream.FlushAsync();
            await meanwhile();
            await stream.WriteAsync(bytes.AsMemory(pauseAfter));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task Options_tells_the_version_extensions_and_maximum_size()
    {
        var unit = await Submitter.ForAsync(app, "HU-DONGSON");
        var options = await SendAsync(unit, HttpMethod.Options, unit.ReportPath() + "/uploads", tus: null);
        Assert.Equal(HttpStatusCode.NoContent, options.StatusCode);
        Assert.Equal("1.0.0", options.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,creation-with-upload,termination,expiration", options.Headers.GetValues("Tus-Extension").Single());
        Assert.True(long.Parse(options.Headers.GetValues("Tus-Max-Size").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task A_file_sent_in_chunks_resumes_from_the_offset_and_attaches_like_a_multipart_file()
    {
        var unit = await Submitter.ForAsync(app, "HU-KIMTHANH");
        var file = Submitter.Pdf(9 * 1024 * 1024 + 17);
        var location = await CreateAsync(unit, file.Length, "Biên bản hội nghị sơ kết.pdf");
        Assert.Equal(0, await OffsetAsync(unit, location));

        var first = await PatchAsync(unit, location, 0, file[..(5 * 1024 * 1024)]);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal("5242880", first.Headers.GetValues("Upload-Offset").Single());
        // A client that lost the answer asks where to go on from.
        Assert.Equal(5 * 1024 * 1024, await OffsetAsync(unit, location));
        await (await PatchAsync(unit, location, 0, file[..100])).ShouldBeProblemAsync(HttpStatusCode.Conflict, "offset-mismatch");
        var last = await PatchAsync(unit, location, 5 * 1024 * 1024, file[(5 * 1024 * 1024)..]);
        Assert.Equal(file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), last.Headers.GetValues("Upload-Offset").Single());

        var attached = await AttachAsync(unit, location);
        Assert.Equal("Biên bản hội nghị sơ kết.pdf", attached.FileName);
        Assert.Equal(Sha256Of(file), attached.Sha256);
        Assert.Equal(file.Length, attached.Size);
        Assert.Equal(file, await unit.Client.GetByteArrayAsync(attached.Href, Ct));
        // An upload named by a version is not the unit's to delete any more.
        await (await SendAsync(unit, HttpMethod.Delete, location)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "upload-attached");
    }

    [Fact]
    public async Task Creation_with_upload_takes_the_first_chunk_in_the_same_request()
    {
        var unit = await Submitter.ForAsync(app, "HU-PHULOC");
        var file = Submitter.Pdf(300_000);
        var created = await SendAsync(unit, HttpMethod.Post, unit.ReportPath() + "/uploads", Chunk(file[..100_000]), r =>
        {
            r.Headers.Add("Upload-Length", "300000");
            r.Headers.Add("Upload-Metadata", Metadata("phu-luc.pdf"));
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("100000", created.Headers.GetValues("Upload-Offset").Single());
        var location = created.Headers.Location!.OriginalString;
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, 100_000, file[100_000..])).StatusCode);
        Assert.Equal(300_000, await OffsetAsync(unit, location));
    }

    [Fact]
    public async Task Bad_tus_requests_get_their_protocol_status_and_write_nothing()
    {
        var unit = await Submitter.ForAsync(app, "TXU-BINHMINH");
        var location = await CreateAsync(unit, 1000, "bao-cao.pdf");
        var before = await app.SnapshotAsync();

        var oldVersion = await SendAsync(unit, HttpMethod.Patch, location, Chunk(Submitter.Pdf(10)), r => r.Headers.Add("Upload-Offset", "0"), tus: "0.2.2");
        await oldVersion.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "tus-version");
        Assert.Equal("1.0.0", oldVersion.Headers.GetValues("Tus-Version").Single());
        await (await PatchAsync(unit, location, 10, Submitter.Pdf(10))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "offset-mismatch");
        await (await PatchAsync(unit, location, 0, Submitter.Pdf(1001))).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "beyond-upload-length");
        await (await PatchAsync(unit, location, 0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "content-mismatch");
        var json = new StringContent("{}", Encoding.UTF8, "application/json");
        await (await SendAsync(unit, HttpMethod.Patch, location, json, r => r.Headers.Add("Upload-Offset", "0"))).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        var chunked = Chunk(Submitter.Pdf(10));
        await (await SendAsync(unit, HttpMethod.Patch, location, new StreamContent(new MemoryStream(Submitter.Pdf(10))) { Headers = { ContentType = chunked.Headers.ContentType } },
            r => { r.Headers.Add("Upload-Offset", "0"); r.Headers.TransferEncodingChunked = true; })).ShouldBeProblemAsync(HttpStatusCode.LengthRequired);
        await (await PatchAsync(unit, unit.ReportPath() + "/uploads/" + new string('a', 32), 0, Submitter.Pdf(10))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await PatchAsync(unit, unit.ReportPath() + "/uploads/..%2F..%2Fx", 0, Submitter.Pdf(10))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await app.AssertUnchangedSinceAsync(before);

        foreach (var (length, name, status, code) in new[]
        {
            ("0", "rong.pdf", HttpStatusCode.BadRequest, "empty-file"),
            ("999999999999", "lon.pdf", HttpStatusCode.RequestEntityTooLarge, "file-too-large"),
            ("100", "chay.exe", HttpStatusCode.UnsupportedMediaType, "unsupported-file-type"),
            ("100", "../x.pdf", HttpStatusCode.BadRequest, "invalid-file-name"),
            ("abc", "a.pdf", HttpStatusCode.BadRequest, "invalid-header"),
        })
        {
            var refused = await SendAsync(unit, HttpMethod.Post, unit.ReportPath() + "/uploads", headers: r =>
            {
                r.Headers.Add("Upload-Length", length);
                r.Headers.Add("Upload-Metadata", Metadata(name));
            });
            await refused.ShouldBeProblemAsync(status, code);
        }
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Another_units_key_gets_403_on_every_tus_request()
    {
        var owner = await Submitter.ForAsync(app, "TPU-ANHOA");
        var stranger = await Submitter.ForAsync(app, "DUQS");
        var location = await CreateAsync(owner, 100);
        foreach (var method in new[] { HttpMethod.Head, HttpMethod.Patch, HttpMethod.Delete })
        {
            var response = await SendAsync(stranger, method, location, method == HttpMethod.Patch ? Chunk(Submitter.Pdf(10)) : null, r => r.Headers.Add("Upload-Offset", "0"));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        var create = await SendAsync(stranger, HttpMethod.Post, owner.ReportPath() + "/uploads", headers: r => r.Headers.Add("Upload-Length", "100"));
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(0, await OffsetAsync(owner, location));
    }

    [Fact]
    public async Task Racing_patches_never_both_commit_and_an_instance_goes_by_the_blob_when_another_moved_the_upload_on()
    {
        var unit = await Submitter.ForAsync(app, "TPU-ANHOA");
        var file = Submitter.Pdf(5 * 1024 * 1024 + 3);
        var location = await CreateAsync(unit, file.Length, "quet-song-song.pdf");
        var racing = await Task.WhenAll(PatchAsync(unit, location, 0, file[..1_000_000]), PatchAsync(unit, location, 0, file[..1_000_000]));
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], racing.Select(r => r.StatusCode).Order());
        await racing.Single(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBeProblemAsync(HttpStatusCode.Conflict, "offset-mismatch");
        Assert.Equal(1_000_000, await OffsetAsync(unit, location));
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, 1_000_000, file[1_000_000..3_000_000])).StatusCode);
        // HEAD waits for the commit this instance runs behind that answer.
        Assert.Equal(3_000_000, await OffsetAsync(unit, location));

        // A second instance of the app (scaled out, or this one restarted) goes on from the offset in the blob, not in memory.
        await using var other = app.Factory.WithWebHostBuilder(_ => { });
        using var otherClient = other.CreateClient();
        otherClient.DefaultRequestHeaders.Add("X-Api-Key", unit.Client.DefaultRequestHeaders.GetValues("X-Api-Key"));
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(otherClient, location, 3_000_000, file[3_000_000..4_000_000])).StatusCode);
        // This instance still remembers 3,000,000, so a second writer's PATCH there goes on from it and is answered before
        // its commit, as any chunk after the first is; the commit then fails on the blob's ETag, and the blob keeps the
        // other instance's copy of those bytes. The next PATCH goes by the blob, and the file hashes right.
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, 3_000_000, file[3_000_000..4_000_000])).StatusCode);
        Assert.Equal(4_000_000, await OffsetAsync(unit, location));
        var last = await PatchAsync(unit, location, 4_000_000, file[4_000_000..]);
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);

        var attached = await AttachAsync(unit, location);
        Assert.Equal(Sha256Of(file), attached.Sha256);
        Assert.Equal(file, await unit.Client.GetByteArrayAsync(attached.Href, Ct));
    }

    [Fact]
    public async Task A_terminated_upload_is_gone_with_its_bytes()
    {
        var unit = await Submitter.ForAsync(app, "DUCA");
        var terminated = await CreateAsync(unit, 1000);
        await PatchAsync(unit, terminated, 0, Submitter.Pdf(500));
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(unit, HttpMethod.Delete, terminated)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(unit, HttpMethod.Head, terminated)).StatusCode);
        Assert.Empty(await BlobsOfAsync(unit, terminated));
    }

    [Fact]
    public async Task The_timer_sweep_deletes_expired_uploads_through_crashes_and_racing_sweepers_and_keeps_an_attached_one()
    {
        var unit = await Submitter.ForAsync(app, "HU-DONGSON");
        var abandoned = await CreateAsync(unit, 1000);
        await PatchAsync(unit, abandoned, 0, Submitter.Pdf(500));
        var unattached = await CreateAsync(unit, 600, "chua-dinh-kem.pdf");
        await PatchAsync(unit, unattached, 0, Submitter.Pdf(600));
        var file = Submitter.Pdf(700);
        var kept = await CreateAsync(unit, file.Length, "da-dinh-kem.pdf");
        await PatchAsync(unit, kept, 0, file);
        var attached = await AttachAsync(unit, kept);
        Assert.NotEmpty(await BlobsOfAsync(unit, abandoned));

        app.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(HttpStatusCode.Gone, (await SendAsync(unit, HttpMethod.Head, abandoned)).StatusCode);
        await (await PatchAsync(unit, abandoned, 500, Submitter.Pdf(500))).ShouldBeProblemAsync(HttpStatusCode.Gone, "upload-expired");

        // Sweeps that die at storage request 1, 2, 3, … until one gets through: each leaves the rest to the next.
        var probe = new StorageProbe(app.Azurite);
        await using (var crashing = app.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.AddSingleton<HttpPipelinePolicy>(probe))))
        {
            var sweeper = crashing.Services.GetRequiredService<TimerSweeper>();
            for (var at = 1; ; at++)
            {
                probe.CrashAt(at, at % 2 == 0 ? CrashPoint.AfterSending : CrashPoint.BeforeSending);
                try
                {
                    await sweeper.SweepAsync(Ct);
                }
                catch (SimulatedCrash)
                {
                }
                if (probe.Requests < at) break;
            }
        }
        foreach (var gone in new[] { abandoned, unattached })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(unit, HttpMethod.Head, gone)).StatusCode);
            Assert.Empty(await BlobsOfAsync(unit, gone));
            Assert.False(await app.Stored.UploadRecordExistsAsync(unit.Unit, IdOf(gone)));
        }
        Assert.Equal(file, await unit.Client.GetByteArrayAsync(attached.Href, Ct));
        Assert.Equal(file.Length, await OffsetAsync(unit, kept));

        // Two sweepers on the same expired upload: one deletes it, the other finds it going or gone; neither fails on it.
        var racing = await CreateAsync(unit, 1000);
        await PatchAsync(unit, racing, 0, Submitter.Pdf(500));
        app.Clock.Advance(TimeSpan.FromHours(25));
        var sweeps = await Task.WhenAll(
            app.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(Ct),
            app.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(Ct));
        Assert.Equal(0, sweeps.Sum(s => s.Failed));
        Assert.InRange(sweeps.Sum(s => s.Expired), 1, 2);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(unit, HttpMethod.Head, racing)).StatusCode);
        Assert.Empty(await BlobsOfAsync(unit, racing));
        Assert.Equal(file, await unit.Client.GetByteArrayAsync(attached.Href, Ct));
    }

    /// <summary>The blobs holding an upload's bytes.</summary>
    private Task<List<string>> BlobsOfAsync(Submitter unit, string location) =>
        app.Stored.AttachmentsAsync($"2026-H1/{unit.Unit}/u{IdOf(location)}", BlobStates.Uncommitted);

    [Fact]
    public async Task A_submission_naming_an_unfinished_or_unknown_upload_is_refused_and_writes_nothing()
    {
        var unit = await Submitter.ForAsync(app, "HND");
        var location = await CreateAsync(unit, 1000);
        await PatchAsync(unit, location, 0, Submitter.Pdf(400));
        var before = await app.SnapshotAsync();
        var problem = await (await unit.SubmitAsync(Submitter.Form(ReportNaming(IdOf(location), new string('b', 32))))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("upload-incomplete", problem.Error("upload-incomplete").GetProperty("code").GetString());
        Assert.Equal("/report/uploads/1", problem.Error("unknown-upload").GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_submission_naming_a_finished_upload_twice_is_refused_and_leaves_it_free_to_attach()
    {
        var unit = await Submitter.ForAsync(app, "HCCB");
        var file = Submitter.Pdf(5000);
        var location = await CreateAsync(unit, file.Length);
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, 0, file)).StatusCode);
        var before = await app.SnapshotAsync();

        var problem = await (await unit.SubmitAsync(Submitter.Form(ReportNaming(IdOf(location), IdOf(location))))).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/report/uploads/1", problem.Error("duplicate-upload").GetProperty("pointer").GetString());
        await app.AssertUnchangedSinceAsync(before);

        // Nothing was marked attached: named once, it goes in.
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(ReportNaming(IdOf(location))))).StatusCode);
    }

    /// <summary>
    /// A chunk streams to storage as it arrives, so its storage request lasts as long as the client takes. A district
    /// on a slow line takes longer than any storage request may (here 1 s): the chunk is still staged whole.
    /// </summary>
    [Fact]
    public async Task A_chunk_arriving_slower_than_a_storage_request_may_take_is_still_staged_whole()
    {
        var (strict, unit, file, location) = await UploadThroughStrictStorageAsync("HND", 3 * 1024 * 1024, "Đường truyền chậm.pdf");
        await using var _ = strict;

        // The pause is the slow line under test: real time longer than a storage request may take.
        var slow = await PatchPausingAsync(unit, location, 0, file, 1024 * 1024, () => Task.Delay(TimeSpan.FromSeconds(2.5), Ct));

        Assert.Equal(HttpStatusCode.NoContent, slow.StatusCode);
        Assert.Equal(file.Length, await OffsetAsync(unit, location));
        Assert.Equal(Sha256Of(file), (await AttachAsync(unit, location)).Sha256);
    }

    /// <summary>
    /// Storage that stops taking a chunk's bytes half way (frozen: connections open, nothing read or answered) fails the
    /// PATCH with 503 and Retry-After within seconds, as any storage request would, and answers no offset it cannot keep.
    /// </summary>
    [Fact]
    public async Task Storage_freezing_in_the_middle_of_a_chunk_answers_503_quickly_and_the_upload_goes_on_from_what_storage_holds()
    {
        var probe = new StorageProbe(app.Azurite);
        var (strict, unit, file, location) = await UploadThroughStrictStorageAsync("HCCB", 6 * 1024 * 1024, "Kho đứng im.pdf", probe);
        await using var _ = strict;
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, 0, file[..(2 * 1024 * 1024)])).StatusCode);

        var answered = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage frozen;
        try
        {
            var staging = probe.NextSentAsync(StorageProbe.IsBlockStage);
            frozen = await PatchPausingAsync(unit, location, 2 * 1024 * 1024, file[(2 * 1024 * 1024)..], 512 * 1024, async () =>
            {
                // Once the chunk's block is on its way to storage, storage stops reading.
                await staging.WaitAsync(TimeSpan.FromSeconds(30), Ct);
                await app.Azurite.PauseAsync();
                answered.Restart();
            });
        }
        finally
        {
            await app.Azurite.ResumeAsync();
        }

        Assert.True(answered.Elapsed < TimeSpan.FromSeconds(10), $"answered after {answered.Elapsed.TotalSeconds:F1} s");
        await frozen.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "storage-unavailable");
        Assert.True(frozen.Headers.Contains("Retry-After"));
        // Storage may still take the whole block from its socket once it runs again (the client had sent it all): then the
        // upload holds those bytes, as HEAD says. Either way it goes on from what storage holds and hashes right.
        var offset = await OffsetAsync(unit, location);
        Assert.Contains(offset, new long[] { 2 * 1024 * 1024, file.Length });
        if (offset < file.Length) Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, offset, file[(int)offset..])).StatusCode);
        Assert.Equal(Sha256Of(file), (await AttachAsync(unit, location)).Sha256);
    }

    /// <summary>
    /// A client that breaks off half way through a chunk keeps its whole blocks (8 MiB each) and resumes after them;
    /// one that breaks off before a whole block leaves the upload, and what the instance knows of it, where it stood,
    /// so the next chunk needs no reading back. The SHA-256 comes out right, though the bytes of each broken block had
    /// been hashed once already.
    /// </summary>
    [Fact]
    public async Task A_chunk_broken_off_half_way_keeps_its_whole_blocks_and_the_file_still_hashes_right()
    {
        var probe = new StorageProbe(app.Azurite);
        await using var probed = app.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.AddSingleton<HttpPipelinePolicy>(probe)));
        var unit = (await Submitter.ForAsync(app, "MTTQ")).Through(probed);
        var file = Scan(20 * 1024 * 1024);
        var location = await CreateAsync(unit, file.Length, "Mất kết nối giữa chừng.pdf");
        var block = BlockStreamer.BlockSize;

        await BreakOffAsync(unit, location, 0, file[..(10 * 1024 * 1024)], 9 * 1024 * 1024);
        await QuietAsync(probe);
        Assert.Equal(block, await OffsetAsync(unit, location));
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, block, file[block..(block + 1024 * 1024)])).StatusCode);

        var at = block + 1024 * 1024;
        await BreakOffAsync(unit, location, at, file[at..(at + 6 * 1024 * 1024)], 4 * 1024 * 1024);
        await QuietAsync(probe);
        Assert.Equal(at, await OffsetAsync(unit, location));
        probe.Reset();
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, at, file[at..])).StatusCode);
        // Two blocks and their commit: neither the block list nor the bytes so far were read back.
        Assert.Equal(3, probe.Counts[StorageRequestKind.Blob]);
        Assert.Equal(Sha256Of(file), (await AttachAsync(unit, location)).Sha256);
    }

    /// <summary>
    /// A chunk that goes on from the last one is answered once its blocks are staged, and its commit runs behind the
    /// answer. Should the app die before that commit, the offset answered still stands: the next instance commits the
    /// staged blocks that carry on from the committed ones before it reports an offset, and the file hashes right.
    /// </summary>
    [Fact]
    public async Task An_offset_answered_before_its_commit_survives_the_app_dying_before_the_commit()
    {
        var probe = new StorageProbe(app.Azurite);
        var (dying, unit, file, location) = await StartFourMiBThroughAsync(probe, "TXU-BINHMINH", "Ghi trước khi chốt.pdf");

        // The chunk's block goes (request 1); the app dies as it sends the block list (request 2).
        probe.CrashAt(2, CrashPoint.BeforeSending);
        var answered = await PatchAsync(unit, location, 1024 * 1024, file[(1024 * 1024)..(2 * 1024 * 1024)]);
        Assert.Equal(HttpStatusCode.NoContent, answered.StatusCode);
        Assert.Equal("2097152", answered.Headers.GetValues("Upload-Offset").Single());
        await Eventually.UntilAsync(() => probe.Requests >= 2, "the commit behind the answer to be tried", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        Assert.Equal(2, probe.Counts[StorageRequestKind.Blob]);
        await dying.DisposeAsync();

        await using var restarted = app.Factory.WithWebHostBuilder(_ => { });
        var resumed = unit.Through(restarted);
        Assert.Equal(2 * 1024 * 1024, await OffsetAsync(resumed, location));
        await FinishFromThirdMiBAsync(resumed, location, file);
    }

    /// <summary>
    /// A commit discards every staged block it does not name, so no block of the next chunk may be staged before the
    /// commit behind the last answer has ended. With every commit held for 3 s, a chunk is still answered at once, the
    /// next one waits for that commit, and every offset answered is there.
    /// </summary>
    [Fact]
    public async Task The_next_chunk_is_not_staged_before_the_commit_behind_the_last_answer_has_ended()
    {
        var probe = new StorageProbe(app.Azurite);
        var (probed, unit, file, location) = await StartFourMiBThroughAsync(probe, "TPU-ANHOA", "Chốt chậm.pdf");
        await using var _ = probed;

        var hold = TimeSpan.FromSeconds(3);
        probe.SlowDown(StorageProbe.IsBlockListCommit, hold);
        var answered = System.Diagnostics.Stopwatch.StartNew();
        await SendMiBAsync(unit, location, file, 1);
        Assert.True(answered.Elapsed < hold, $"answered after {answered.Elapsed.TotalSeconds:F1} s");
        await FinishFromThirdMiBAsync(unit, location, file);
    }

    /// <summary>
    /// Storage fails the commit behind an answer after the next chunk has gone on from it: that chunk's blocks waited
    /// for the failure, then are settled with the blocks before them, so both offsets answered stand and the file,
    /// read back for its hash, hashes right.
    /// </summary>
    [Fact]
    public async Task A_commit_behind_an_answer_that_storage_fails_loses_no_offset_answered()
    {
        var probe = new StorageProbe(app.Azurite);
        var (probed, unit, file, location) = await StartFourMiBThroughAsync(probe, "HCCB", "Kho lỗi khi chốt.pdf");
        await using var _ = probed;

        probe.FailNext(StorageProbe.IsBlockListCommit, TimeSpan.FromSeconds(1));
        await SendMiBAsync(unit, location, file, 1);
        await FinishFromThirdMiBAsync(unit, location, file);
    }

    /// <summary>
    /// A 4 MiB scan's upload through an instance with <paramref name="probe"/> in its storage clients (the instance to
    /// dispose), its first MiB sent: committed before its answer, as an upload's first chunk is.
    /// </summary>
    private async Task<(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> Probed, Submitter Unit, byte[] File, string Location)> StartFourMiBThroughAsync(
        StorageProbe probe, string unitCode, string fileName)
    {
        var probed = app.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(s => s.AddSingleton<HttpPipelinePolicy>(probe)));
        var unit = (await Submitter.ForAsync(app, unitCode)).Through(probed);
        var file = Scan(4 * 1024 * 1024);
        var location = await CreateAsync(unit, file.Length, fileName);
        await SendMiBAsync(unit, location, file, 0);
        return (probed, unit, file, location);
    }

    /// <summary>Sends MiB number <paramref name="mib"/> of <paramref name="file"/> as one chunk, answered 204.</summary>
    private static async Task SendMiBAsync(Submitter unit, string location, byte[] file, int mib)
    {
        var (from, to) = (mib * 1024 * 1024, (mib + 1) * 1024 * 1024);
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(unit, location, from, file[from..to])).StatusCode);
    }

    /// <summary>Sends the third MiB, finds the three answered with HEAD, sends the last and checks the attached file's hash.</summary>
    private static async Task FinishFromThirdMiBAsync(Submitter unit, string location, byte[] file)
    {
        await SendMiBAsync(unit, location, file, 2);
        Assert.Equal(3 * 1024 * 1024, await OffsetAsync(unit, location));
        await SendMiBAsync(unit, location, file, 3);
        Assert.Equal(Sha256Of(file), (await AttachAsync(unit, location)).Sha256);
    }

    /// <summary>A PATCH whose line drops after <paramref name="sent"/> of its bytes.</summary>
    private static async Task BreakOffAsync(Submitter unit, string location, long offset, byte[] chunk, int sent)
    {
        using var lineDrops = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => PatchPausingAsync(unit, location, offset, chunk, sent, () =>
        {
            lineDrops.Cancel();
            throw new IOException("The line dropped.");
        }, lineDrops.Token));
    }

    /// <summary>
    /// Waits until the app has had no storage request under way and begun none for a few looks in a row: the app goes
    /// on with a PATCH whose client has gone, and what it keeps of it is settled once its last request has ended.
    /// </summary>
    private static async Task QuietAsync(StorageProbe probe)
    {
        var (quietLooks, seen) = (0, -1);
        await Eventually.UntilAsync(() =>
        {
            var requests = probe.Requests;
            quietLooks = probe.Pending == 0 && requests == seen ? quietLooks + 1 : 0;
            seen = requests;
            return quietLooks >= 3;
        }, "the broken-off PATCH's storage requests to end", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }
}
