using CallbackFunctions.LocalRun.Benchmarks;

namespace CallbackFunctions.LocalRun;

/// <summary>The benchmark (./run.sh bench): see <see cref="BenchRun"/>. Bounded in time; exits 0 once the run completed.</summary>
public static class Bench
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct)
    {
        var settings = BenchSettings.Parse(args);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(settings.TimeLimit);
        try
        {
            return await new BenchRun(settings, output).RunAsync(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            await output.WriteLineAsync(ct.IsCancellationRequested
                ? "Stopped. (the benchmark, before it completed)"
                : $"bench: stopped at its time limit ({settings.TimeLimit.TotalMinutes} min) before the run completed");
            return 1;
        }
    }
}
