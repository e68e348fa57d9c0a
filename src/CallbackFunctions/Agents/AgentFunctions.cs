using CallbackFunctions.Domain.Callbacks;
using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using CallbackFunctions.Callbacks;
using CallbackFunctions.Domain.Agents;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

using Microsoft.DurableTask.Client;

namespace CallbackFunctions.Agents;

/// <summary>An agent, as <c>PUT /api/agents/{id}</c> takes it. Each field is checked by the handler, which names every bad one at once.</summary>
/// <param name="Name">How the whisper and the API name the agent: 1 to 100 characters (trimmed), no control characters.</param>
/// <param name="Phone">The agent's phone, in any format a phone number takes (<c>(415) 555-0101</c>, <c>+14155550101</c>); stored in E.164.</param>
/// <param name="Queues">The queues the agent serves: 1 to 20 names, each letters, digits, <c>_</c>, <c>.</c>, <c>-</c>, at most 64 (case-insensitive; duplicates dropped).</param>
/// <param name="Campaigns">The campaigns the agent may call back for: a callback for a contact with a campaign goes only to agents with it. At most 20, each letters, digits, <c>_</c>, <c>.</c>, <c>-</c>, starting with a letter or digit, at most 64; each once (case-insensitive). Default: none (an empty list).</param>
/// <param name="OwnershipCodes">The private owners whose contacts the agent may call back: a privately owned contact's callback goes only to agents with its code. At most 20, shaped and unique as <c>campaigns</c>. Default: none (an empty list).</param>
public sealed record AgentBody([Required] string? Name, [Required] string? Phone, [Required] List<string>? Queues,
    List<string>? Campaigns = null, List<string>? OwnershipCodes = null);

/// <summary>Whether an agent takes callbacks now.</summary>
/// <param name="Available">Whether the agent takes callbacks now.</param>
public sealed record AvailabilityBody([Required] bool? Available);

/// <summary>An agent.</summary>
/// <param name="Id">The agent's id: letters, digits, <c>_</c>, <c>.</c>, <c>-</c>; at most 64.</param>
/// <param name="Name">How the whisper and the API name the agent (1 to 100 characters).</param>
/// <param name="Phone">The agent's phone, E.164 (<c>+14155550101</c>).</param>
/// <param name="Queues">The queues the agent serves (1 to 20).</param>
/// <param name="Available">Whether the agent takes callbacks now (set by <c>PUT /api/agents/{id}/availability</c>; a new agent is).</param>
/// <param name="OnCallback">Whether a callback call holds the agent now (offered, or talking to its customer).</param>
/// <param name="IdleSince">When the agent last became free (UTC); the free agent idle longest is offered first. Null until the agent was first free.</param>
/// <param name="Campaigns">The campaigns the agent may call back for (at most 20; empty: none).</param>
/// <param name="OwnershipCodes">The private owners whose contacts the agent may call back (at most 20; empty: none).</param>
/// <param name="CooldownUntil">Until when (UTC) the agent is not offered callbacks, after a reject or a completed callback (the queue's <c>rejectCooldown</c>, <c>completeCooldown</c>); null when not cooling down.</param>
public sealed record AgentView(string Id, string Name, string Phone, IReadOnlyList<string> Queues, bool Available, bool OnCallback, DateTimeOffset? IdleSince,
    IReadOnlyList<string> Campaigns, IReadOnlyList<string> OwnershipCodes, DateTimeOffset? CooldownUntil)
{
    /// <param name="now">A cooldown already over at this instant is shown as none.</param>
    public static AgentView From(Agent a, DateTimeOffset now) =>
        new(a.Id, a.Name, a.Phone, a.Queues, a.Available, a.HeldBy is not null, a.IdleSince == DateTimeOffset.MinValue ? null : a.IdleSince,
            a.Campaigns, a.OwnershipCodes, Cooldowns.InCooldown(a, now) ? a.CooldownUntil : null);
}

/// <summary><c>/api/agents</c>: who can take callbacks, for which queues, and whether they are available now.</summary>
/// <summary>The callbacks an agent may take now.</summary>
/// <param name="Items">Queued callbacks of the agent's queues that are bound to that agent or to none, soonest due first (at most 1,000).</param>
public sealed record AgentCallbackList(IReadOnlyList<CallbackSummary> Items);

public sealed class AgentFunctions(AgentRepository repository, AgentDirectory directory, PhoneNumberNormalizer numbers, WaitingCallbacks waiting,
    CallbackReader callbacks, TimeProvider time)
{
    /// <summary>At most this many callbacks in an agent's list.</summary>
    public const int MaxAgentCallbacks = 1000;
    /// <summary>An agent's name as the whisper and the API show it (a table property holds 32K characters: far more than a name needs).</summary>
    public const int MaxNameLength = 100;

    /// <summary>Queues an agent serves: each is one more partition the freed-agent wake-up reads.</summary>
    public const int MaxQueues = 20;

    [ApiOperation("Agents", "List agents.", Answer = typeof(List<AgentView>), Responses = ["200: Every agent, by id"])]
    [Function("ListAgents")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/agents")] HttpRequest request, CancellationToken ct) =>
        ETags.Conditional(request, TypedResults.Ok((await repository.ListAsync(ct)).Select(s => AgentView.From(s.Value, time.GetUtcNow())).OrderBy(a => a.Id, StringComparer.Ordinal).ToList()));

    [ApiOperation("Agents", "Get one agent.", Path = ["id: the agent's id: letters, digits, `_`, `.`, `-`; at most 64"], Answer = typeof(AgentView), Responses = ["200: The agent", "404: No such agent"])]
    [Function("GetAgent")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/agents/{id}")] HttpRequest request, string id, CancellationToken ct) =>
        ETags.Conditional(request, await repository.GetAsync(id, ct) is { } stored ? TypedResults.Ok(AgentView.From(stored.Value, time.GetUtcNow())) : NotFound(id));

    [ApiOperation("Agents", "The queued callbacks this agent may take: their own (bound to them) and those of their queues bound to no agent, soonest due first.",
        Path = ["id: the agent's id: letters, digits, `_`, `.`, `-`; at most 64"], Answer = typeof(AgentCallbackList), Responses = ["200: The callbacks (at most 1,000)", "404: No such agent"])]
    [Function("ListAgentCallbacks")]
    public async Task<IResult> Callbacks([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/agents/{id}/callbacks")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct)
    {
        if (await repository.GetAsync(id, ct) is not { } stored) return NotFound(id);
        var agent = stored.Value;
        var mine = new List<CallbackSummary>();
        foreach (var queue in agent.Queues)
        {
            string? token = null;
            do
            {
                var (items, next) = await callbacks.ListAsync(client, CallbackStatus.Queued, null, queue, MaxAgentCallbacks, token, ct);
                mine.AddRange(items.Where(c => c.BoundAgent is null || string.Equals(c.BoundAgent, agent.Id, StringComparison.OrdinalIgnoreCase))
                    .Select(CallbackSummary.From));
                token = next;
            } while (token is not null && mine.Count < MaxAgentCallbacks);
        }
        return ETags.Conditional(request, TypedResults.Ok(new AgentCallbackList([.. mine.OrderBy(c => c.DueAt).ThenBy(c => c.Id, StringComparer.Ordinal).Take(MaxAgentCallbacks)])));
    }

    [ApiOperation("Agents", "Create or replace an agent (availability, current call and cooldown are kept).", Path = ["id: the agent's id: letters, digits, `_`, `.`, `-`; at most 64"], Body = typeof(AgentBody), Answer = typeof(AgentView),
        Responses = ["200: The agent as saved (phone in E.164)", "400: A bad id or field: every field's error at once"])]
    [Function("PutAgent")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/agents/{id}")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<AgentBody>(request, body => PutAsync(id, body, client, ct), ct);

    [ApiOperation("Agents", "Say whether the agent takes callbacks now; an available agent is offered the waiting callbacks at once.", Path = ["id: the agent's id: letters, digits, `_`, `.`, `-`; at most 64"],
        Body = typeof(AvailabilityBody), Answer = typeof(AgentView), Responses = ["200: The agent as saved", "404: No such agent"])]
    [Function("SetAgentAvailability")]
    public Task<IResult> SetAvailability([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/agents/{id}/availability")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        RequestValues.WithBodyAsync<AvailabilityBody>(request, body => SetAvailabilityAsync(id, body, client, ct), ct);

    [ApiOperation("Agents", "Remove an agent.", Path = ["id: the agent's id: letters, digits, `_`, `.`, `-`; at most 64"], Responses = ["204: Removed", "404: No such agent"])]
    [Function("DeleteAgent")]
    public async Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/agents/{id}")] HttpRequest request, string id, CancellationToken ct)
    {
        if (!await repository.DeleteAsync(id, ct)) return NotFound(id);
        directory.Invalidate();
        return TypedResults.NoContent();
    }

    private async Task<IResult> PutAsync(string id, AgentBody body, DurableTaskClient client, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!MissedCallFunctions.IsValidQueue(id)) errors["id"] = ["letters, digits, '_', '.', '-'; at most 64"];
        if (string.IsNullOrWhiteSpace(body.Name)) errors["name"] = ["required"];
        else if (body.Name.Trim().Length > MaxNameLength) errors["name"] = [$"at most {MaxNameLength} characters (this one has {body.Name.Trim().Length})"];
        else if (body.Name.Any(char.IsControl)) errors["name"] = ["no control characters (line breaks, tabs, ...)"];
        var phone = numbers.Normalize(body.Phone);
        if (!phone.IsValid) errors["phone"] = [$"a valid phone number is required ({phone.Problem})"];
        var queues = body.Queues ?? [];
        if (queues.Count == 0) errors["queues"] = ["at least one queue"];
        else if (queues.Count > MaxQueues) errors["queues"] = [$"at most {MaxQueues} queues (this list has {queues.Count})"];
        else if (queues.FirstOrDefault(q => !MissedCallFunctions.IsValidQueue(q)) is { } bad)
            errors["queues"] = [$"{(bad is null ? "null" : RequestValues.Quote(bad))} is not a valid queue name (letters, digits, '_', '.', '-'; at most 64)"];
        ImmutableArray<string> campaigns = [.. body.Campaigns ?? []], ownershipCodes = [.. body.OwnershipCodes ?? []];
        FieldProblems.AddTo(errors, Eligibility.Validate(campaigns, ownershipCodes));
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        for (var round = 0; ; round++)
        {
            var existing = await repository.GetAsync(id, ct);
            var agent = (existing?.Value ?? new Agent { Id = id, Name = "", Phone = "", Queues = [], Available = true, IdleSince = time.GetUtcNow() })
                with { Name = body.Name!.Trim(), Phone = phone.E164!, Queues = [.. queues.Distinct(StringComparer.OrdinalIgnoreCase)], Campaigns = campaigns, OwnershipCodes = ownershipCodes };
            var saved = existing is null ? await repository.TryAddAsync(agent, ct) : await repository.TryReplaceAsync(agent, existing.ETag, ct);
            if (saved is not null)
            {
                directory.Invalidate();
                if (agent.IsFree) await waiting.OfferToAsync(agent, client, ct);
                return TypedResults.Ok(AgentView.From(agent, time.GetUtcNow()));
            }
            if (round > 8) throw new InvalidOperationException($"agent {id}: too many concurrent updates");
        }
    }

    private async Task<IResult> SetAvailabilityAsync(string id, AvailabilityBody body, DurableTaskClient client, CancellationToken ct)
    {
        if (body.Available is not { } available) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["available"] = ["true or false"] });
        for (var round = 0; ; round++)
        {
            var existing = await repository.GetAsync(id, ct);
            if (existing is null) return NotFound(id);
            var agent = existing.Value with { Available = available };
            if (await repository.TryReplaceAsync(agent, existing.ETag, ct) is not null)
            {
                directory.Invalidate();
                // seed 000: when an agent becomes available, waiting dial-backs are offered first.
                if (agent.IsFree) await waiting.OfferToAsync(agent, client, ct);
                return TypedResults.Ok(AgentView.From(agent, time.GetUtcNow()));
            }
            if (round > 8) throw new InvalidOperationException($"agent {id}: too many concurrent updates");
        }
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Agent not found", detail: $"There is no agent {RequestValues.Quote(id)}.", statusCode: StatusCodes.Status404NotFound);
}
