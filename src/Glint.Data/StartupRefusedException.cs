namespace Glint.Data;

/// <summary>
/// Glint will not start as configured: a setting that cannot work, or a database that does not match the settings.
/// The message is one line for the operator, saying what to change; the entry point prints it instead of a stack trace.
/// </summary>
public class StartupRefusedException(string message, Exception? innerException = null) : Exception(message, innerException);
