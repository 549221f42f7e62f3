using Glint.Auth;
using Microsoft.AspNetCore.Http;

namespace Glint.Login.Developers;

public enum AppFailureKind
{
    /// <summary>No such app (or not this developer's).</summary>
    NotFound,

    /// <summary>A field breaks a rule.</summary>
    Invalid,

    /// <summary>The app is not in a state that allows the step (a decision on an app that is not pending, say).</summary>
    WrongState,

    /// <summary>A per-developer limit is reached.</summary>
    Limit,
}

/// <summary>Why a step on an app was refused; the message names the field or the state and the rule.</summary>
public sealed record AppFailure(AppFailureKind Kind, string Message, IResult? HydraResult = null)
{
    public static AppFailure NotFound(Guid id) => new(AppFailureKind.NotFound, $"There is no app {id}.");

    /// <summary>The failure in the admin API's error format (Hydra's).</summary>
    public IResult ToHydraError() => HydraResult ?? Kind switch
    {
        AppFailureKind.NotFound => HydraError.Result(StatusCodes.Status404NotFound, "Unable to locate the resource", Message),
        AppFailureKind.WrongState => HydraError.Result(StatusCodes.Status409Conflict, "app_not_pending", Message),
        AppFailureKind.Limit => HydraError.Result(StatusCodes.Status429TooManyRequests, "too_many_requests", Message),
        _ => HydraError.InvalidRequest(Message),
    };
}

/// <summary>An app after a step, or why the step was refused.</summary>
public readonly record struct AppResult(Data.Developers.DeveloperApp? App, AppFailure? Failure)
{
    public static implicit operator AppResult(AppFailure failure) => new(null, failure);

    public static implicit operator AppResult(Data.Developers.DeveloperApp app) => new(app, null);
}
