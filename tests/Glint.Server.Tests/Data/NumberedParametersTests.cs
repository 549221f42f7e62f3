using Glint.Data;
using Npgsql;

namespace Glint.Server.Tests.Data;

/// <summary>
/// Statements written with named parameters go to PostgreSQL numbered: each name one number, in the order of first
/// use, quoted text untouched, and the command's parameters in the order of their numbers.
/// </summary>
public sealed class NumberedParametersTests
{
    [Fact]
    public void Names_are_numbered_in_the_order_of_first_use_and_a_name_used_twice_keeps_its_number()
    {
        var numbered = NumberedParameters.Rewrite(
            "UPDATE t SET a = @p1, b = @p10 WHERE id = @id AND (x = @p1 OR y = @_y2)");

        Assert.Equal("UPDATE t SET a = $1, b = $2 WHERE id = $3 AND (x = $1 OR y = $4)", numbered.Text);
        Assert.Equal(["p1", "p10", "id", "_y2"], numbered.Names);
    }

    [Fact]
    public void Quoted_literals_identifiers_and_operators_are_left_as_they_are()
    {
        var numbered = NumberedParameters.Rewrite(
            "SELECT \"@col\", 'me@example.com', 'it''s @not' FROM t WHERE tags @> @tags AND note = @note");

        Assert.Equal("SELECT \"@col\", 'me@example.com', 'it''s @not' FROM t WHERE tags @> $1 AND note = $2", numbered.Text);
        Assert.Equal(["tags", "note"], numbered.Names);
    }

    [Fact]
    public void A_command_gets_its_parameters_in_the_order_of_their_numbers_unnamed_and_only_those_its_text_names()
    {
        using var command = new NpgsqlCommand("INSERT INTO t (a, b, c) VALUES (@b, @a, @b)");
        command.Parameters.Add(new NpgsqlParameter("a", 1));
        command.Parameters.Add(new NpgsqlParameter("@unused", 2));
        command.Parameters.Add(new NpgsqlParameter("@b", 3));

        NumberedParameters.Number(command);

        Assert.Equal("INSERT INTO t (a, b, c) VALUES ($1, $2, $1)", command.CommandText);
        Assert.Equal([3, 1], command.Parameters.Select(parameter => (int)parameter.Value!));
        Assert.All(command.Parameters, parameter => Assert.Equal("", parameter.ParameterName));
    }

    [Fact]
    public void A_batch_statement_takes_the_numbered_text_and_already_numbered_parameters_go_as_they_are()
    {
        using var batch = new NpgsqlBatch();
        var named = batch.CreateBatchCommand();
        NumberedParameters.Number(named, "SELECT @x, @y", [new NpgsqlParameter("y", 2), new NpgsqlParameter("x", 1)]);
        var numbered = batch.CreateBatchCommand();
        NumberedParameters.Number(numbered, "SELECT $1", [new NpgsqlParameter { Value = 5 }]);

        Assert.Equal("SELECT $1, $2", named.CommandText);
        Assert.Equal([1, 2], named.Parameters.Select(parameter => (int)parameter.Value!));
        Assert.Equal("SELECT $1", numbered.CommandText);
        Assert.Equal(5, numbered.Parameters[0].Value);
    }

    [Fact]
    public void A_name_without_a_value_is_refused()
    {
        using var command = new NpgsqlCommand("SELECT @missing, @here");
        command.Parameters.Add(new NpgsqlParameter("here", 1));

        var refused = Assert.Throws<InvalidOperationException>(() => NumberedParameters.Number(command));
        Assert.Contains("@missing", refused.Message, StringComparison.Ordinal);
    }
}
