using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using CallbackFunctions.LocalRun;
using CallbackFunctions.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using Xunit.Abstractions;

namespace CallbackFunctions.Tests.Api;

/// <summary>The API's reference page and OpenAPI document, as the running app serves them.</summary>
public sealed partial class OpenApiTests(ITestOutputHelper output) : StackTestBase
{
    [Fact]
    public async Task DocsPage_LoadsEveryScriptFromTheAppItself()
    {
        var docsUrl = new Uri(Stack.AppUrl, "/api/docs");
        var page = await Stack.Api.GetStringAsync(docsUrl);
        var sources = ScriptSource().Matches(page).Select(m => m.Groups["src"].Value).ToList();

        Assert.NotEmpty(sources);
        foreach (var src in sources)
        {
            // Relative to the page: no other host, no scheme-relative URL, so the page works offline.
            Assert.False(Uri.TryCreate(src, UriKind.Absolute, out _) || src.StartsWith("//", StringComparison.Ordinal), $"<script src=\"{src}\"> is on another host");
            var url = new Uri(docsUrl, src);
            Assert.Equal(Stack.AppUrl.Authority, url.Authority);

            using var response = await Stack.Api.GetAsync(url);
            var script = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.CacheControl?.MaxAge);
            Assert.True(script.Length > 100_000, $"{src} is {script.Length} characters: not the reference script");
            Assert.Contains("createApiReference", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DocsScript_ToABrowserThatTakesGzip_IsSentGzippedAsEmbedded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/docs/scalar.js") { Headers = { { "Accept-Encoding", "gzip, br" } } };
        using var response = await Stack.Api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var unzipped = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        Assert.Contains("createApiReference", await new StreamReader(unzipped).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_DescribesEveryFieldAndHowToAuthenticate()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await Stack.Api.GetStringAsync("/api/openapi.json"));
        var root = doc.RootElement;
        var schemas = root.GetProperty("components").GetProperty("schemas");

        Assert.Equal("3.1.0", root.GetProperty("openapi").GetString());
        foreach (var schema in schemas.EnumerateObject())
            foreach (var property in schema.Value.TryGetProperty("properties", out var properties) ? properties.EnumerateObject() : default)
                Assert.True(property.Value.TryGetProperty("description", out _), $"{schema.Name}.{property.Name} has a description");
        // A number is a number (the API reads one written as a string too, but need not say so).
        Assert.Equal("integer", schemas.GetProperty("RuleView").GetProperty("properties").GetProperty("version").GetProperty("type").GetString());
        // Required is what the handler refuses to go without; a field with a default is not.
        Assert.Equal(["name", "phone", "queues"], schemas.GetProperty("AgentBody").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(schemas.GetProperty("RuleBody").TryGetProperty("required", out _), "every field of a rule has a default");

        var paths = root.GetProperty("paths");
        Assert.Equal("Account", paths.GetProperty("/api/account/freeze").GetProperty("post").GetProperty("tags")[0].GetString());
        var put = paths.GetProperty("/api/agents/{id}").GetProperty("put");
        // Either key satisfies a management route: the header or the query parameter.
        Assert.Equal(["functionKey", "functionKeyQuery"], put.GetProperty("security").EnumerateArray().Select(r => r.EnumerateObject().Single().Name));
        Assert.True(put.GetProperty("responses").GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task Document_LintedWithRedocly_HasNoErrors()
    {
        var root = RepositoryRoot.Find();
        var redocly = Path.Combine(root, "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} is missing: run `npm ci` in {root} (test.sh does it)");
        var dir = Directory.CreateTempSubdirectory("openapi-lint-");
        try
        {
            var file = Path.Combine(dir.FullName, "openapi.json");
            await File.WriteAllTextAsync(file, await Stack.Api.GetStringAsync("/api/openapi.json"));

            // Redocly's built-in recommended rules (an empty folder: no config file is picked up); errors fail, warnings are shown.
            var (exitCode, text) = await RunAsync(redocly, dir.FullName, "lint", file, "--extends=recommended", "--format=stylish", "--max-problems=1000");
            output.WriteLine(text);
            Assert.True(exitCode == 0, $"redocly lint found errors (exit code {exitCode}):\n{text}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Document_GeneratesACSharpClient_ThatCompilesAndCallsTheApp()
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await Stack.Api.GetStringAsync("/api/openapi.json"));
        var code = new CSharpClientGenerator(document, new CSharpClientGeneratorSettings
        {
            ClassName = "CallbackApiClient",
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            UseBaseUrl = true,
            CSharpGeneratorSettings = { Namespace = "Generated", JsonLibrary = CSharpJsonLibrary.SystemTextJson },
        }).GenerateFile();

        // The generated client's own types, used as a caller would: this compiles only if the document names them so.
        const string caller = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading.Tasks;
            namespace Generated;
            public static class Caller
            {
                public static async Task<string> PutAndListAsync(HttpClient http, string baseUrl)
                {
                    var client = new CallbackApiClient(http) { BaseUrl = baseUrl };
                    var put = await client.PutAgentAsync("gen-client", new AgentBody { Name = "Generated", Phone = "(415) 555-0177", Queues = new List<string> { "support" } });
                    var listed = (await client.ListAgentsAsync()).Single(a => a.Id == "gen-client");
                    var page = await client.ListCallbacksAsync(CallbackStatus.Queued, null, null, 10, null);
                    return $"{put.Phone} {listed.Queues.Single()} {listed.Available} {page.Items.Count}";
                }
            }
            """;
        var compilation = CSharpCompilation.Create("GeneratedClient",
            [CSharpSyntaxTree.ParseText(code, path: "CallbackApiClient.cs"), CSharpSyntaxTree.ParseText(caller, path: "Caller.cs")],
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var assembly = new MemoryStream();
        var emitted = compilation.Emit(assembly);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        output.WriteLine($"{code.Split('\n').Length} lines generated; {emitted.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning)} compiler warnings");
        Assert.True(errors.Count == 0, "the generated client does not compile:\n" + string.Join("\n", errors.Take(30)));

        var context = new AssemblyLoadContext("generated-client", isCollectible: true);
        try
        {
            assembly.Position = 0;
            var call = context.LoadFromStream(assembly).GetType("Generated.Caller")!.GetMethod("PutAndListAsync")!;
            var answer = await (Task<string>)call.Invoke(null, [Stack.Api, Stack.AppUrl.AbsoluteUri])!;
            Assert.Equal("+14155550177 support True 0", answer);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Runs a tool to its end (at most two minutes; then it is stopped by its PID) and answers its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string directory, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            // Offline and quiet: no telemetry, no look for a newer version, no colour codes.
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1", ["FORCE_COLOR"] = "0" },
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not end in two minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("""<script\b[^>]*\bsrc\s*=\s*["'](?<src>[^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
