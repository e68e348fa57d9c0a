namespace CallbackFunctions.Tests.Support;

/// <summary>
/// Tests that load both cores for a while (the bad-input corpus parses and refuses a thousand requests, some of them
/// hundreds of kilobytes) run alone, not beside the end-to-end tests whose callbacks must move within their timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
