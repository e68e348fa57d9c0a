using System.Globalization;
using CallbackFunctions.TwilioSimulator.Calls;
using CallbackFunctions.TwilioSimulator.Support;

namespace CallbackFunctions.TwilioSimulator.Rest;

/// <summary>The Call resource JSON (TWILIO.md §1.3): snake_case, RFC 2822 dates, duration/price/queue_time as strings.</summary>
internal static class CallResource
{
    public static Dictionary<string, object?> Json(CallLeg leg, string accountSid)
    {
        var uri = $"/2010-04-01/Accounts/{accountSid}/Calls/{leg.Sid}";
        var ended = leg.IsEnded;
        return new Dictionary<string, object?>
        {
            ["sid"] = leg.Sid,
            ["date_created"] = Rfc2822.Format(leg.DateCreated),
            ["date_updated"] = Rfc2822.Format(leg.DateUpdated),
            ["parent_call_sid"] = leg.ParentCallSid,
            ["account_sid"] = accountSid,
            ["to"] = leg.To,
            ["to_formatted"] = PhoneNumbers.Format(leg.To),
            ["from"] = leg.From,
            ["from_formatted"] = PhoneNumbers.Format(leg.From),
            ["phone_number_sid"] = leg.PhoneNumberSid,
            ["status"] = leg.Status.Rest(),
            ["start_time"] = Rfc2822.Format(leg.StartTime),
            ["end_time"] = ended ? Rfc2822.Format(leg.EndTime) : null,
            ["duration"] = leg.Status == CallStatus.Completed ? (leg.DurationSeconds ?? 0).ToString(CultureInfo.InvariantCulture) : null,
            ["price"] = null,
            ["price_unit"] = "USD",
            ["direction"] = leg.Direction.Wire(),
            ["answered_by"] = leg.AnsweredBy,
            ["api_version"] = "2010-04-01",
            ["forwarded_from"] = null,
            ["group_sid"] = null,
            ["caller_name"] = null,
            ["queue_time"] = leg.QueueTimeMs.ToString(CultureInfo.InvariantCulture),
            ["trunk_sid"] = null,
            ["uri"] = uri + ".json",
            ["subresource_uris"] = new Dictionary<string, string>
            {
                ["notifications"] = uri + "/Notifications.json",
                ["recordings"] = uri + "/Recordings.json",
                ["payments"] = uri + "/Payments.json",
                ["events"] = uri + "/Events.json",
                ["siprec"] = uri + "/Siprec.json",
                ["streams"] = uri + "/Streams.json",
                ["transcriptions"] = uri + "/Transcriptions.json",
                ["user_defined_message_subscriptions"] = uri + "/UserDefinedMessageSubscriptions.json",
                ["user_defined_messages"] = uri + "/UserDefinedMessages.json",
            },
        };
    }
}
