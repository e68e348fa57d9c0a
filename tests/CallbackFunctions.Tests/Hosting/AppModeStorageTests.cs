using System.Diagnostics;
using CallbackFunctions.LocalRun;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// <c>./run.sh app</c> with nothing listening where <c>AzureWebJobsStorage</c> points: one line naming the setting, its
/// value with the key masked, the endpoint that refused and what to do; exit 2, at once (it took ~21 s and ~150 lines
/// of AggregateException, then an abort, before).
/// </summary>
public sealed class AppModeStorageTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public async Task App_WithNoStorageListening_ExitsWithOneLineNamingTheSettingAndTheEndpoint()
    {
        var (blob, queue, table) = (Azurite.FreePort(), Azurite.FreePort(), Azurite.FreePort());
        var storage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
                      $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("cbf-app-").FullName,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CallbackFunctions.LocalRun.dll"));
        info.ArgumentList.Add("app");
        info.Environment["AzureWebJobsStorage"] = storage;
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Azurite.FreePort()}";
        info.Environment["Twilio__AccountSid"] = "AC" + new string('1', 32);
        info.Environment["Twilio__AuthToken"] = "a-test-token";
        info.Environment["Twilio__WebhookBaseUrl"] = "http://127.0.0.1:9";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await process.WaitForExitAsync(bound.Token); }
        finally { if (!process.HasExited) process.Kill(entireProcessTree: true); }

        Assert.Equal(2, process.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("AzureWebJobsStorage", line, StringComparison.Ordinal);
        Assert.Contains("AccountKey=***", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, line, StringComparison.Ordinal);
        Assert.Matches($@"(table|queue|blob) storage at 127\.0\.0\.1:({blob}|{queue}|{table}) refused the connection", line);
        Assert.Contains("Start Azurite", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", await stdout + line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", "UseDevelopmentStorage=true")]
    [InlineData("AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net", "AccountName=a;AccountKey=***;EndpointSuffix=core.windows.net")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=2024&sig=abc", "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=***")]
    public void Masked_HidesTheKeyAndTheSignature(string connection, string shown) => Assert.Equal(shown, StorageProbe.Masked(connection));
}
