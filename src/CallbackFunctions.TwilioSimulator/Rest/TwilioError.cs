using System.Text.Encodings.Web;
using System.Text.Json;

namespace CallbackFunctions.TwilioSimulator.Rest;

/// <summary>Twilio's REST error body (TWILIO.md §1.7): <c>{"code","message","more_info","status"}</c>.</summary>
internal sealed record TwilioError(int Status, int Code, string Message)
{
    public const int InvalidParameter = 20001;
    public const int Unauthorized = 20003;
    public const int MethodNotAllowed = 20004;
    public const int NotFound = 20404;
    public const int TooManyRequests = 20429;
    public const int InternalError = 20500;
    public const int MissingTo = 21201;
    public const int InvalidUrl = 21205;
    public const int FromNotOwned = 21210;
    public const int InvalidTo = 21211;
    public const int MissingFrom = 21213;
    public const int InvalidApplicationSid = 21218;
    public const int NotInProgress = 21220;

    public static TwilioError BadRequest(int code, string message) => new(400, code, message);

    public static TwilioError Parameter(string message) => new(400, InvalidParameter, message);

    public IResult ToResult() => Results.Json(
        new Dictionary<string, object>
        {
            ["code"] = Code,
            ["message"] = Message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{Code}",
            ["status"] = Status,
        },
        RestJson.Options,
        statusCode: Status);
}

internal static class RestJson
{
    /// <summary>Keys are written exactly as given (snake_case dictionaries); nulls stay.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
