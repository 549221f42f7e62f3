using Glint.Wallets.Accounts;

namespace Glint.Api.Scalars;

public sealed class UsernameType : StringScalarType
{
    public UsernameType()
    {
        Name = "Username";
        Description = "A user's handle: 3 to 50 letters, digits or underscores, compared without case.";
    }

    protected override object Parse(string value) => Usernames.IsValid(value) ? value : throw Invalid();
}
