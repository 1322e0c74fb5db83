//! Single sign-on: JSON Web Tokens from the bureau's identity provider, verified with its public
//! key (`--jwt-key FILE`, PEM: RSA, EC P-256/P-384 or Ed25519), sent as `Authorization: Bearer
//! <jwt>`. The token names the account (`sub`), its `role` and, for a township account, its
//! `township` admin-code prefix; `exp` is required, `iss` and `aud` are checked when configured.
//! A local account of the same name that is disabled stops the token.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use onemap_model::{Account, NewAccount, Role};

/// A configured identity provider.
pub struct Sso {
    key: DecodingKey,
    validation: Validation,
}

/// The claims onemap reads.
#[derive(Debug, serde::Deserialize)]
struct Claims {
    sub: String,
    role: String,
    #[serde(default)]
    township: Option<String>,
}

/// Why a key file or a token is refused.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("the JWT key is not an RSA, EC or Ed25519 public key in PEM form")]
    Key,
    #[error("the token is not valid: {}", why(.0))]
    Token(#[from] jsonwebtoken::errors::Error),
    #[error("the token's claims are not usable: {0}")]
    Claims(String),
}

/// What is wrong with a token, for people.
fn why(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => "it has expired (exp)".into(),
        ErrorKind::ImmatureSignature => "it is not valid yet (nbf)".into(),
        ErrorKind::InvalidSignature => "its signature is not the identity provider's".into(),
        ErrorKind::InvalidIssuer => "it comes from another issuer (iss)".into(),
        ErrorKind::InvalidAudience => "it is meant for another audience (aud)".into(),
        ErrorKind::InvalidAlgorithm => "it is signed with an algorithm the key does not use".into(),
        ErrorKind::MissingRequiredClaim(c) => format!("it has no `{c}` claim"),
        _ => e.to_string(),
    }
}

impl Sso {
    /// The provider whose public key is `pem`; tokens must come from `issuer` and be meant for
    /// `audience` when those are given.
    pub fn from_pem(pem: &[u8], issuer: Option<&str>, audience: Option<&str>) -> Result<Sso, SsoError> {
        let (key, algorithms) = if let Ok(k) = DecodingKey::from_rsa_pem(pem) {
            (k, vec![Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256])
        } else if let Ok(k) = DecodingKey::from_ec_pem(pem) {
            (k, vec![Algorithm::ES256, Algorithm::ES384])
        } else if let Ok(k) = DecodingKey::from_ed_pem(pem) {
            (k, vec![Algorithm::EdDSA])
        } else {
            return Err(SsoError::Key);
        };
        let mut validation = Validation::new(algorithms[0]);
        validation.algorithms = algorithms;
        validation.leeway = 30;
        validation.set_required_spec_claims(&["exp", "sub"]);
        if let Some(iss) = issuer {
            validation.set_issuer(&[iss]);
        }
        match audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        Ok(Sso { key, validation })
    }

    /// The account a token vouches for (not stored: the provider is its source).
    pub fn account(&self, token: &str) -> Result<Account, SsoError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)?.claims;
        let role = Role::parse(&claims.role).ok_or_else(|| {
            SsoError::Claims(format!("role `{}` is not one of {}", claims.role, Role::NAMES.join(", ")))
        })?;
        let new = NewAccount { name: claims.sub, role, township: claims.township };
        new.check().map_err(|e| SsoError::Claims(e.to_string()))?;
        Ok(Account {
            name: new.name,
            role,
            township: new.township,
            disabled: false,
            created: chrono::Utc::now(),
            last_used: None,
        })
    }
}
