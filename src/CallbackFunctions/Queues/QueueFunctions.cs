using CallbackFunctions.Agents;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Callbacks;
using CallbackFunctions.Domain.Queues;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using Microsoft.AspNetCore.Http.HttpResults;

using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Queues;

/// <summary>A queue some agent serves.</summary>
/// <param name="Name">The queue's name, lower case.</param>
/// <param name="Agents">The ids of the agents serving it.</param>
public sealed record QueueView(string Name, IReadOnlyList<string> Agents);

/// <summary>What deleting a queue changed.</summary>
/// <param name="Name">The queue deleted.</param>
/// <param name="AgentsUpdated">Agents it was taken off (an agent edited meanwhile keeps it: delete again).</param>
/// <param name="CallbacksCancelled">Its live callbacks cancelled.</param>
/// <param name="SettingsDeleted">Whether it had saved settings, now deleted (a queue of that name starts again from the defaults).</param>
public sealed record QueueDeleted(string Name, int AgentsUpdated, int CallbacksCancelled, bool SettingsDeleted);

/// <summary>
/// <c>/api/queues</c>: the queues the agents serve, and each queue's settings (issue 15); deleting one takes it off every
/// agent, ends its callbacks and forgets its settings.
/// </summary>
public sealed class QueueFunctions(AgentRepository agents, AgentDirectory directory, CallbackRepository callbacks, CallbackRuns runs,
    QueueSettingsRepository settings, QueueCooldowns cooldowns, TimeZones zones)
{
    // For the OpenAPI document.
    private const string Name = "name: the queue: letters, digits, `_`, `.`, `-`; at most 64 (names differing only in case are one queue)";
    private const string BadName = "400: Not a queue name, or bad field values: every field's error at once";

    [ApiOperation("Queues", "Queues and the agents serving each.", Answer = typeof(List<QueueView>), Responses = ["200: Every queue some agent serves, by name"])]
    [Function("ListQueues")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/queues")] HttpRequest request, CancellationToken ct) =>
        ETags.Conditional(request, TypedResults.Ok((await agents.ListAsync(ct))
            .SelectMany(a => a.Value.Queues.Select(q => (Queue: q.ToLowerInvariant(), Agent: a.Value.Id)))
            .GroupBy(x => x.Queue)
            .Select(g => new QueueView(g.Key, [.. g.Select(x => x.Agent).Order(StringComparer.Ordinal)]))
            .OrderBy(q => q.Name, StringComparer.Ordinal).ToList()));

    [ApiOperation("Queues", "A queue's settings, defaults filled in, with the agents serving it. A queue never configured shows the defaults.", Path = [Name],
        Answer = typeof(QueueSettingsView), Responses = ["200: The queue and its settings", "400: Not a queue name"])]
    [Function("GetQueue")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/queues/{name}")] HttpRequest request, string name, CancellationToken ct)
    {
        if (!MissedCallFunctions.IsValidQueue(name)) return NotAQueue(name);
        return TypedResults.Ok(await ViewAsync(name, (await settings.GetAsync(name, ct))?.Value, ct));
    }

    [ApiOperation("Queues", "Replace a queue's settings: a field left out takes its default.", Path = [Name], Body = typeof(QueueSettingsBody),
        Answer = typeof(QueueSettingsView), Responses = ["200: The queue and its settings as saved", BadName])]
    [Function("PutQueue")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/queues/{name}")] HttpRequest request, string name, CancellationToken ct) =>
        MissedCallFunctions.IsValidQueue(name)
            ? RequestValues.WithBodyAsync<QueueSettingsBody>(request, body => PutAsync(name, body, ct), ct)
            : Task.FromResult<IResult>(NotAQueue(name));

    [ApiOperation("Queues", "Change some of a queue's settings: a JSON merge patch (RFC 7396): the fields named change, null resets one to its default, the others stay.",
        Path = [Name], Body = typeof(QueueSettingsBody), BodyMediaTypes = [MergePatchMediaType, "application/json"], Answer = typeof(QueueSettingsView),
        Responses = ["200: The queue and its settings as saved", BadName, "409: The settings kept changing meanwhile; nothing changed: send the patch again"])]
    [Function("PatchQueue")]
    public Task<IResult> Patch([HttpTrigger(AuthorizationLevel.Function, "patch", Route = "api/queues/{name}")] HttpRequest request, string name, CancellationToken ct) =>
        MissedCallFunctions.IsValidQueue(name)
            ? RequestValues.WithMergePatchAsync<QueueSettingsBody>(request, patch => PatchAsync(name, patch, ct), ct)
            : Task.FromResult<IResult>(NotAQueue(name));

    [ApiOperation("Queues", "Delete a queue: off every agent; its pending callbacks end; its settings are forgotten.", Path = [Name],
        Answer = typeof(QueueDeleted), Responses = ["200: What changed", "400: Not a queue name"])]
    [Function("DeleteQueue")]
    public async Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/queues/{name}")] HttpRequest request, string name,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        if (!MissedCallFunctions.IsValidQueue(name)) return NotAQueue(name);
        var updated = 0;
        foreach (var stored in await agents.ListAsync(ct))
        {
            if (!stored.Value.Serves(name)) continue;
            var agent = stored.Value with { Queues = [.. stored.Value.Queues.Where(q => !string.Equals(q, name, StringComparison.OrdinalIgnoreCase))] };
            // A concurrent edit of this agent wins; the queue deletion can simply be repeated.
            if (await agents.TryReplaceAsync(agent, stored.ETag, ct) is not null) updated++;
        }
        directory.Invalidate();
        var live = new List<string>();
        await foreach (var callback in callbacks.QueryLiveInQueueAsync(name, ct)) live.Add(callback.Id);
        var cancelled = await runs.CancelAllAsync(client, live, CancelReason.TargetDeleted, ct);
        // Its settings go too: a deleted queue is gone, and one made again under its name starts from the defaults
        // rather than from settings an operator may have long forgotten.
        var settingsDeleted = await settings.DeleteAsync(name, ct);
        cooldowns.Invalidate(name);
        return TypedResults.Ok(new QueueDeleted(name, updated, cancelled, settingsDeleted));
    }

    /// <summary>RFC 7396's media type; <c>application/json</c> is taken as well.</summary>
    public const string MergePatchMediaType = "application/merge-patch+json";

    /// <summary>How many times a PATCH reads and writes again when someone else saved the queue's settings in between.</summary>
    private const int PatchRounds = 5;

    private async Task<IResult> PutAsync(string name, QueueSettingsBody body, CancellationToken ct)
    {
        var (parsed, errors) = QueueSettingsBodies.Parse(body, IsTimeZone);
        if (parsed is null) return TypedResults.ValidationProblem(errors);
        await settings.SaveAsync(name, parsed, ct);
        cooldowns.Invalidate(name);
        return TypedResults.Ok(await ViewAsync(name, parsed, ct));
    }

    private async Task<IResult> PatchAsync(string name, MergePatch<QueueSettingsBody> patch, CancellationToken ct)
    {
        for (var round = 0; round < PatchRounds; round++)
        {
            var stored = await settings.GetAsync(name, ct);
            var merged = patch.ApplyTo(QueueSettingsBodies.Body(stored?.Value ?? QueueSettings.Default));
            var (parsed, errors) = QueueSettingsBodies.Parse(merged, IsTimeZone);
            if (parsed is null) return TypedResults.ValidationProblem(errors);
            // Over exactly the settings the patch was applied to: a save in between is read again and patched anew.
            if (await settings.TrySaveAsync(name, parsed, stored?.ETag, ct))
            {
                cooldowns.Invalidate(name);
                return TypedResults.Ok(await ViewAsync(name, parsed, ct));
            }
        }
        return TypedResults.Problem(title: "Settings changed meanwhile",
            detail: $"The settings of queue {RequestValues.Quote(name)} were saved by someone else {PatchRounds} times while this patch was applied; nothing changed: send it again.",
            statusCode: StatusCodes.Status409Conflict);
    }

    private async Task<QueueSettingsView> ViewAsync(string name, QueueSettings? saved, CancellationToken ct)
    {
        var serving = (await agents.ListAsync(ct)).Where(a => a.Value.Serves(name)).Select(a => a.Value.Id).Order(StringComparer.Ordinal).ToList();
        return QueueSettingsBodies.View(name.ToLowerInvariant(), serving, saved);
    }

    private bool IsTimeZone(string id) => zones.Find(id) is not null;

    private static ProblemHttpResult NotAQueue(string name) =>
        TypedResults.Problem(title: "Not a queue name", detail: $"{RequestValues.Quote(name)} is not a valid queue name.", statusCode: 400);
}
