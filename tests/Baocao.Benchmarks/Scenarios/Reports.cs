using System.Net.Http.Headers;
using System.Text;

namespace Baocao.Benchmarks.Scenarios;

/// <summary>What districts send: the demo template's report, and files as multipart parts or tus chunks.</summary>
public static class Reports
{
    public const string Good = """
        { "values": { "DVK_TONG": 126, "DVK_MOI": 12, "TXDT_SO_CUOC": 8, "KNTC_NHAN": 14, "KNTC_GIAI_QUYET": 13, "KT_BANG_KHEN": 1, "KT_GIAY_KHEN": 6 },
          "narratives": { "TINH-HINH": "Tình hình Nhân dân trên địa bàn ổn định.", "PHUONG-HUONG": "Tiếp tục nhân rộng mô hình \"Dân vận khéo\"." } }
        """;

    public static MultipartFormDataContent Form(string report, string? fileName = null, HttpContent? file = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(report, Encoding.UTF8, "application/json"), "report" } };
        if (file is not null)
        {
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "attachments", FileNameStar = fileName };
            form.Add(file);
        }
        return form;
    }

    public static string WithUpload(string uploadId) => Good.Replace("\"narratives\"", $"\"uploads\": [\"{uploadId}\"], \"narratives\"", StringComparison.Ordinal);
}

/// <summary>The next <paramref name="length"/> bytes of a stream as a request body of known length (so it is not sent chunked).</summary>
public sealed class SliceContent(Stream source, long length) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        var buffer = new byte[81920];
        for (long left = length; left > 0;)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)));
            if (read == 0) throw new EndOfStreamException();
            await stream.WriteAsync(buffer.AsMemory(0, read));
            left -= read;
        }
    }

    protected override bool TryComputeLength(out long computed)
    {
        computed = length;
        return true;
    }
}
