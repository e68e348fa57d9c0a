namespace CallbackFunctions.TwilioSimulator;

/// <summary>How a <see cref="TwilioSimulator"/> is set up. Read once at start, except <see cref="CallsPerSecond"/>, read at every release.</summary>
public sealed class SimulatorOptions
{
    public const string DefaultAccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string DefaultAuthToken = "f00dfeedf00dfeedf00dfeedf00dfeed";

    public string AccountSid { get; set; } = DefaultAccountSid;

    /// <summary>Basic auth password for <see cref="AccountSid"/> and the HMAC key of every webhook signature.</summary>
    public string AuthToken { get; set; } = DefaultAuthToken;

    public string? ApiKeySid { get; set; }

    public string? ApiKeySecret { get; set; }

    /// <summary>E.164 numbers the account owns: a <c>From</c> outside them is refused with 21210. Empty = any E.164.</summary>
    public ISet<string> OwnedNumbers { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>REST-created calls leave <c>queued</c> at this rate (TWILIO.md §7: 1 by default). 0 = no limit.</summary>
    public double CallsPerSecond { get; set; } = 1;

    /// <summary>0 = a free port. Always bound to 127.0.0.1.</summary>
    public int Port { get; set; }

    /// <summary>Multiplies every simulated duration: ring, talk, Pause, Gather/Dial timeouts, queue waits.</summary>
    public double TimeScale { get; set; } = 1.0;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
