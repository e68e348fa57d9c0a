using CallbackFunctions.LocalRun;

namespace CallbackFunctions.Tests.Support;

/// <summary>
/// One Azurite for the whole test run, started on free loopback ports on first use and stopped by PID when the test
/// process exits. Every test class works in its own tables and queues (a unique prefix), so classes run in parallel.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<Azurite>> Instance = new(async () =>
    {
        var azurite = await Azurite.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        return azurite;
    });

    public static async Task<string> ConnectionStringAsync() => (await Instance.Value).ConnectionString;

    public static string UniquePrefix(string name) =>
        new string([.. name.Where(char.IsLetter).Take(10)]).ToLowerInvariant() + Guid.NewGuid().ToString("N")[..8];
}
