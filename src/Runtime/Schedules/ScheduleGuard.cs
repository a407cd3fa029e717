using System;
using System.Runtime.CompilerServices;

namespace NetGen;

/// <summary>Argument checks shared by the schedules.</summary>
internal static class ScheduleGuard
{
    public static float Rate(float value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!float.IsFinite(value) || value <= 0f)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The learning rate must be a positive, finite number.");
        }
        return value;
    }

    public static float Factor(float value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!float.IsFinite(value) || value <= 0f)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "The factor must be a positive, finite number (below 1 to decay).");
        }
        return value;
    }

    public static void Step(long step)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step counts the updates made so far and cannot be negative.");
        }
    }
}
