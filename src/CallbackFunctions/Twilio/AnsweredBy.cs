namespace CallbackFunctions.Twilio;

/// <summary>Twilio's answering-machine verdicts (TWILIO.md §5), mapped from their wire spelling.</summary>
public enum AnsweredBy
{
    Human,
    /// <summary><c>machine_start</c> (mode Enable): classified at the start of the greeting.</summary>
    MachineStart,
    /// <summary><c>machine_end_beep</c>, <c>machine_end_silence</c>, <c>machine_end_other</c> (mode DetectMessageEnd): the greeting is over.</summary>
    MachineEnd,
    Fax,
    /// <summary>Detection timed out without a verdict.</summary>
    Unknown,
}

public static class AnsweredByParser
{
    /// <summary>Null for a value Twilio does not document; absent (no detection ran) is also null.</summary>
    public static AnsweredBy? Parse(string? value) => value switch
    {
        "human" => AnsweredBy.Human,
        "machine_start" => AnsweredBy.MachineStart,
        "machine_end_beep" or "machine_end_silence" or "machine_end_other" => AnsweredBy.MachineEnd,
        "fax" => AnsweredBy.Fax,
        "unknown" => AnsweredBy.Unknown,
        _ => null,
    };
}
