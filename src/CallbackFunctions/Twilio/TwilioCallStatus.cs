namespace CallbackFunctions.Twilio;

/// <summary>Twilio's call statuses (TWILIO.md §2), mapped from their wire spelling; unknown values are rejected.</summary>
public enum TwilioCallStatus
{
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

public static class TwilioCallStatusParser
{
    public static TwilioCallStatus? Parse(string? value) => value switch
    {
        "queued" => TwilioCallStatus.Queued,
        "initiated" => TwilioCallStatus.Initiated,
        "ringing" => TwilioCallStatus.Ringing,
        "in-progress" => TwilioCallStatus.InProgress,
        "completed" => TwilioCallStatus.Completed,
        "busy" => TwilioCallStatus.Busy,
        "no-answer" => TwilioCallStatus.NoAnswer,
        "failed" => TwilioCallStatus.Failed,
        "canceled" => TwilioCallStatus.Canceled,
        _ => null,
    };

    public static bool IsTerminal(this TwilioCallStatus status) =>
        status is TwilioCallStatus.Completed or TwilioCallStatus.Busy or TwilioCallStatus.NoAnswer or TwilioCallStatus.Failed or TwilioCallStatus.Canceled;
}
