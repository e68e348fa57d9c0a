using CallbackFunctions.AgentCalls;
using CallbackFunctions.Agents;
using CallbackFunctions.Callbacks;
using CallbackFunctions.MissedCalls;
using CallbackFunctions.Recordings;
using CallbackFunctions.Rules;
using CallbackFunctions.Settings;
using CallbackFunctions.Spool;
using CallbackFunctions.Storage;
using CallbackFunctions.Telephony;
using CallbackFunctions.Twilio;
using Microsoft.Extensions.Options;

namespace CallbackFunctions;

/// <summary>
/// The composition of the app: one Add per area. <c>Program</c> (under the Functions host) and the local host both
/// build the app's services here; the functions themselves are found by their <c>[Function]</c> attributes.
/// </summary>
public static class CallbackApp
{
    /// <summary>Every service of the app, the same under the Functions host (Program) and the local host.</summary>
    public static IServiceCollection AddCallbackServices(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            // A field a route does not take is refused, by name: PUT replaces, so a misspelt one would reset a setting.
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        AddSettings(services, config);
        AddStorage(services);
        AddTwilio(services);
        AddCallbacks(services);
        return services;
    }

    private static void AddSettings(IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<StorageOptions>().Bind(config.GetSection(StorageOptions.Section));
        // A placeholder (local.settings.sample.json's) stops the start-up, by name (TwilioOptions.Validate; the local app mode calls it too).
        services.AddOptions<TwilioOptions>().Bind(config.GetSection(TwilioOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();
        services.AddOptions<SpoolOptions>().Bind(config.GetSection(SpoolOptions.Section));
        // Checked at start-up by CallbackOptions.Validate, every problem by name (the local run mode calls it too).
        services.AddOptions<CallbackOptions>().Bind(config.GetSection(CallbackOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CallbackOptions>, CallbackOptionsValidator>();
    }

    private static void AddStorage(IServiceCollection services)
    {
        services.AddSingleton<StorageOperationCounter>();
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<StorageAccount>();
        services.AddSingleton<CallbackRepository>();
        services.AddSingleton<Callbacks.CallbackReader>();
        services.AddSingleton<LiveCallbackIndex>();
        services.AddSingleton<WaitingIndex>();
        services.AddSingleton<AgentRepository>();
        services.AddSingleton<RuleRepository>();
        services.AddSingleton<HoldRepository>();
        services.AddSingleton<RecordingRepository>();
        services.AddSingleton<NoCallbackRepository>();
        services.AddSingleton<QueueSettingsRepository>();
        services.AddSingleton<Queues.QueueCooldowns>();
        services.AddSingleton<SlotBookingRepository>();
        services.AddSingleton<ContactRepository>();
        services.AddSingleton<Contacts.CallerContacts>();
        services.AddSingleton<Contacts.LiveCallbackContacts>();
        services.AddSingleton<NumberRepository>();
        services.AddSingleton<Numbers.DialledNumbers>();
        services.AddHostedService<StorageRecovery>();
    }

    private static void AddTwilio(IServiceCollection services)
    {
        services.AddTwilioRest();
        services.AddSingleton<TwilioWebhook>();
        services.AddSingleton<WebhookUrls>();
        services.AddSingleton<PhoneNumberNormalizer>();
        services.AddSingleton<TimeZones>();
    }

    private static void AddCallbacks(IServiceCollection services)
    {
        services.AddSingleton<AgentDirectory>();
        services.AddSingleton<CallLines>();
        services.AddSingleton<CallbackRuns>();
        services.AddSingleton<CallbackSteps>();
        services.AddSingleton<Offers>();
        services.AddSingleton<LegChecks>();
        services.AddSingleton<WaitingCallbacks>();
        services.AddSingleton<Watchdog>(); // one per instance: it counts its nudges
        services.AddTransient<MissedCallService>();
        services.AddTransient<CallbackIntake>();
        services.AddSingleton<SeenCallRepository>();
        services.AddSingleton<RequestCountRepository>();
        services.AddTransient<Queues.QueueEstimator>();
        services.AddSingleton<Slots.SlotDesk>();
        services.AddSingleton<NoCallbackNotes>();
        services.AddSingleton<RuleBook>();
        services.AddSingleton<CallFeatureReader>();
        services.AddSingleton<RecordingRetention>();
        services.AddSingleton<RecordingJanitor>(); // one per instance: it remembers when it last looked
        services.AddSingleton<WebhookSpool>();
        services.AddHostedService<SpoolDrainer>();
    }
}
