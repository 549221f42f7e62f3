using System.Text;
using System.Xml.Linq;
using Glint.Data.Secrets;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Login.Web;

/// <summary>
/// Seals the cookie and form protection keys before they are stored in the database, under a key derived from the
/// system secret, so that every node can read them and a copy of the database alone cannot.
/// </summary>
public sealed class SealedKeyRingEncryptor(KeySealer sealer) : IXmlEncryptor
{
    internal const string Binding = "data-protection-key-ring";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var sealedKey = sealer.Seal(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), Binding);
        return new EncryptedXmlInfo(new XElement("sealedKey", Convert.ToBase64String(sealedKey)), typeof(SealedKeyRingDecryptor));
    }
}

/// <summary>Created by the key ring through its activator, which passes the service provider.</summary>
public sealed class SealedKeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var plaintext = services.GetRequiredService<KeySealer>().Unseal(Convert.FromBase64String(encryptedElement.Value), SealedKeyRingEncryptor.Binding);
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
