namespace CallbackFunctions.Domain.Callbacks;

/// <summary>Why a callback was cancelled; each is a product rule (seed 000, 001, 003).</summary>
public enum CancelReason
{
    /// <summary>The caller called again and was served (seed 003 "Neglected", seed 000 "Dialback Cancelled").</summary>
    Served,
    /// <summary>A newer missed call from the same number in the same queue replaced it (seed 000).</summary>
    Superseded,
    /// <summary>An agent dialled the customer by hand (seed 001).</summary>
    ManualDial,
    /// <summary>An operator cancelled it through the API.</summary>
    Operator,
    /// <summary>seed 001: disabling a rule cancels the callbacks it created.</summary>
    RuleDisabled,
    /// <summary>seed 001: freezing the account stops all dialing.</summary>
    AccountFrozen,
    /// <summary>seed 001: the agent or queue the callback was bound to was deleted, so it does not start.</summary>
    TargetDeleted,
    /// <summary>Deleted through the API (<c>DELETE /api/callbacks/{id}</c>): a pending callback an agent or operator removed.</summary>
    Deleted,
    /// <summary>issue 15 §4: asked for at the same moment as the caller's live callback in the queue; its request merged into that one.</summary>
    Merged,
}

public static class CancelReasonExtensions
{
    public static string Describe(this CancelReason reason) => reason switch
    {
        CancelReason.Served => "served: the caller called again and was served",
        CancelReason.Superseded => "superseded by a newer missed call",
        CancelReason.ManualDial => "an agent dialled the customer by hand",
        CancelReason.Operator => "cancelled by an operator",
        CancelReason.RuleDisabled => "its callback rule was disabled",
        CancelReason.AccountFrozen => "the account was frozen",
        CancelReason.TargetDeleted => "the agent or queue it was bound to was deleted",
        CancelReason.Deleted => "deleted by an operator or agent",
        CancelReason.Merged => "merged into the caller's live callback in this queue",
        _ => reason.ToString(),
    };
}
