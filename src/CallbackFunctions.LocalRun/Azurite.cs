using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CallbackFunctions.LocalRun;

/// <summary>
/// Azurite (pinned in package.json, installed by run.sh/test.sh) on free loopback ports, in memory: the blob, queue
/// and table services as three node processes, as they are three services in Azure (Durable's Azure Storage backend
/// uses all three). In one process, the queue service's
/// once-a-minute clean-up of deleted messages (quadratic in their number: 4.5 s for ~2,400 messages, measured with
/// <c>./run.sh bench --only timer</c>) would freeze the tables too. Stopped by PID with SIGKILL: in memory, there is nothing
/// a graceful stop would save, and it may take seconds (DESIGN §1; see <see cref="DisposeAsync"/>).
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly List<Process> _processes = [];

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>The services' process ids (a test freezes them with SIGSTOP, as a storage outage would look to the app).</summary>
    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    private Azurite(int blobPort, int queuePort, int tablePort)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    /// <summary>Starts Azurite's blob, queue and table services; pass ports to reuse them (e.g. to bring storage back).</summary>
    public static async Task<Azurite> StartAsync(int? queuePort = null, int? tablePort = null, CancellationToken ct = default, int? blobPort = null)
    {
        var root = RepositoryRoot.Find();
        var dist = Path.Combine(root, "node_modules", "azurite", "dist", "src");
        if (!File.Exists(Path.Combine(dist, "azurite.js")))
            throw new InvalidOperationException($"Azurite is not installed in {dist}: run `npm ci` in {root} (run.sh and test.sh do it).");
        var azurite = new Azurite(blobPort ?? FreePort(), queuePort ?? FreePort(), tablePort ?? FreePort());
        try
        {
            azurite.Start(Path.Combine(dist, "queue", "main.js"), "queue", azurite.QueuePort);
            azurite.Start(Path.Combine(dist, "table", "main.js"), "table", azurite.TablePort);
            azurite.Start(Path.Combine(dist, "blob", "main.js"), "blob", azurite.BlobPort);
            var deadline = Stopwatch.StartNew();
            while (!(await IsListeningAsync(azurite.QueuePort) && await IsListeningAsync(azurite.TablePort) && await IsListeningAsync(azurite.BlobPort)))
            {
                if (azurite._processes.FirstOrDefault(p => p.HasExited) is { } exited) throw new InvalidOperationException($"Azurite exited with code {exited.ExitCode}");
                if (deadline.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("Azurite did not start in 30 s");
                await Task.Delay(100, ct);
            }
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// util-linux's setsid: the service runs in a session (and process group) of its own, so the SIGINT a terminal sends
    /// to its whole foreground group on Ctrl+C reaches the app, which stops first, and not the storage under it (which
    /// is stopped by PID after the app). The process it starts is never a group leader, so setsid execs node in place:
    /// the PID we keep, stop and freeze is node's. Where there is no setsid, node is started as it is.
    /// </summary>
    private const string SetSid = "/usr/bin/setsid";

    /// <summary>
    /// Preloaded into each service: it exits when its standard input, a pipe from this process, closes, so a service
    /// does not outlive this process when it is killed or its terminal closes (neither reaches the service's session).
    /// Unreferenced, so the pipe does not keep a service alive once its own SIGTERM handler has closed it.
    /// </summary>
    private const string Lifeline = "data:text/javascript,process.stdin.on('end',()=>process.exit(0)).on('error',()=>process.exit(0)).resume().unref()";

    private void Start(string script, string service, int port)
    {
        var ownSession = File.Exists(SetSid);
        var info = new ProcessStartInfo(ownSession ? SetSid : "node")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (ownSession) info.ArgumentList.Add("node");
        foreach (var arg in new[]
        {
            "--import", Lifeline,
            script, "--silent", "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            $"--{service}Host", "127.0.0.1", $"--{service}Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        _processes.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// Kills the services (SIGKILL, by PID). They hold everything in memory, so a graceful stop would save nothing, and
    /// it could take seconds: Azurite's SIGTERM handler waits for open connections to close, and the storage SDKs keep
    /// idle keep-alive connections for a while after the app is gone (a stop measured 3 s for that alone, 1 run in 6).
    /// The process alone, not its tree: a service has no children, and .NET kills a tree by stopping each process
    /// (SIGSTOP), listing every process of the machine for its children, then killing it. Test runs left services
    /// behind stopped that way (one in a few runs), the kill never sent, each holding its port and memory for good.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes.Where(IsRunning))
        {
            try
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException) { } // gone meanwhile
        }
        foreach (var process in _processes) process.Dispose();
        _processes.Clear();
    }

    private static bool IsRunning(Process process)
    {
        try { return !process.HasExited; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range. A port the kernel hands out for "any port" comes from
    /// that range, where every outbound connection also takes its local port: with thousands of connections (a test run,
    /// the benchmark) one of them may take the port before the service that asked for it binds it ("address already in
    /// use"). Below the range, only another listener could, and the port is checked free.
    /// </summary>
    public static int FreePort()
    {
        var low = EphemeralLow();
        for (var i = 0; low > FirstPort + 1000 && i < 100; i++)
        {
            var port = Random.Shared.Next(FirstPort, low);
            if (IsFree(port)) return port;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Ports below this are left alone (well-known and registered services).</summary>
    private const int FirstPort = 10000;

    /// <summary>The first port of the kernel's ephemeral range (Linux; elsewhere, the IANA range's 49152).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49152;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Finds the repository root (the folder holding CallbackFunctions.sln) from wherever we run.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "CallbackFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find CallbackFunctions.sln above " + AppContext.BaseDirectory);
    }
}
