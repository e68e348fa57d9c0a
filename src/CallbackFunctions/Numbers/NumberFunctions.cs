using CallbackFunctions.Contacts;
using CallbackFunctions.Domain.Telephony;
using CallbackFunctions.Http;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace CallbackFunctions.Numbers;

/// <summary>What the callback alert says of one of our numbers, as <c>PUT /api/numbers/{number}</c> takes it.</summary>
/// <param name="Location">Where calls to this number come in (a store, a branch): 1 to 100 characters, no control characters; null or left out for none.</param>
/// <param name="AdSource">The advert or campaign this number is printed in: 1 to 100 characters, no control characters; null or left out for none.</param>
public sealed record NumberBody(string? Location = null, string? AdSource = null);

/// <summary>One of our Twilio numbers.</summary>
/// <param name="Number">The number, E.164.</param>
/// <param name="Location">Where calls to it come in; null for none.</param>
/// <param name="AdSource">The advert it is printed in; null for none.</param>
public sealed record NumberView(string Number, string? Location, string? AdSource)
{
    public static NumberView From(OurNumber n) => new(n.Number, n.Location, n.AdSource);
}

/// <summary>Our numbers, by number.</summary>
/// <param name="Items">Our numbers, by number (at most 1,000).</param>
public sealed record NumberList(IReadOnlyList<NumberView> Items);

/// <summary>
/// <c>/api/numbers</c>: our Twilio numbers and what the agent's callback alert shows of the one a customer dialled
/// (seed 004: a tracking number per store or advert, so the location and ad source belong to the number, not the contact).
/// </summary>
public sealed class NumberFunctions(NumberRepository repository, DialledNumbers dialled, PhoneNumberNormalizer normalizer, ILogger<NumberFunctions> logger)
{
    public const int MaxNumbers = 1000;

    private const string NumberText = "number: one of our numbers, E.164 URL-encoded (`%2B14155550100`) or any format a phone number takes";

    [ApiOperation("Numbers", "List our numbers (at most 1,000).", Answer = typeof(NumberList), Responses = ["200: Our numbers, by number"])]
    [Function("ListNumbers")]
    public async Task<IResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/numbers")] HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(new NumberList([.. (await repository.ListAsync(MaxNumbers, ct)).Select(NumberView.From)]));

    [ApiOperation("Numbers", "Get one of our numbers.", Path = [NumberText], Answer = typeof(NumberView),
        Responses = ["200: The number", "400: Not a phone number", "404: Not one of ours (never saved)"])]
    [Function("GetNumber")]
    public async Task<IResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/numbers/{number}")] HttpRequest request, string number, CancellationToken ct)
    {
        if (!TryNormalize(number, out var e164, out var problem)) return problem!;
        return await repository.GetAsync(e164!, ct) is { } found ? TypedResults.Ok(NumberView.From(found)) : NotFound(e164!);
    }

    [ApiOperation("Numbers", "Say what the callback alert shows of one of our numbers: its location and ad source (create or replace).", Path = [NumberText],
        Body = typeof(NumberBody), Answer = typeof(NumberView), Responses = ["200: The number as saved (E.164)", "400: A bad number or field: every error at once"])]
    [Function("PutNumber")]
    public Task<IResult> Put([HttpTrigger(AuthorizationLevel.Function, "put", Route = "api/numbers/{number}")] HttpRequest request, string number, CancellationToken ct) =>
        RequestValues.WithBodyAsync<NumberBody>(request, body => PutAsync(number, body, ct), ct);

    [ApiOperation("Numbers", "Forget one of our numbers' location and ad source.", Path = [NumberText],
        Responses = ["204: Deleted", "400: Not a phone number", "404: Not one of ours (never saved)"])]
    [Function("DeleteNumber")]
    public async Task<IResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "api/numbers/{number}")] HttpRequest request, string number, CancellationToken ct)
    {
        if (!TryNormalize(number, out var e164, out var problem)) return problem!;
        dialled.Invalidate(e164!);
        if (!await repository.DeleteAsync(e164!, ct)) return NotFound(e164!);
        ContactLog.NumberDeleted(logger, PhoneMask.Mask(e164));
        return TypedResults.NoContent();
    }

    private async Task<IResult> PutAsync(string number, NumberBody body, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var n = normalizer.Normalize(number);
        if (!n.IsValid) errors["number"] = [$"a valid phone number is required ({n.Problem})"];
        var ours = new OurNumber(n.E164 ?? "", body.Location, body.AdSource);
        FieldProblems.AddTo(errors, ours.Validate());
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        await repository.SaveAsync(ours, ct);
        dialled.Invalidate(ours.Number);
        ContactLog.NumberSaved(logger, PhoneMask.Mask(ours.Number), ours.Location is not null, ours.AdSource is not null);
        return TypedResults.Ok(NumberView.From(ours));
    }

    private bool TryNormalize(string number, out string? e164, out IResult? problem)
    {
        var n = normalizer.Normalize(number);
        e164 = n.E164;
        problem = n.IsValid ? null : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = [$"a valid phone number is required ({n.Problem})"] });
        return n.IsValid;
    }

    private static ProblemHttpResult NotFound(string e164) =>
        TypedResults.Problem(title: "Number not found", detail: $"{e164} is not one of our numbers (none was saved with PUT /api/numbers/{{number}}).",
            statusCode: StatusCodes.Status404NotFound);
}
