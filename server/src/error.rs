//! API errors: every failure is a status code and a JSON `{"error": {"code", "message"}}`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use covault::api::{ErrorBody, ErrorDetail};
use serde::de::DeserializeOwned;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is well-formed JSON but a field is wrong.
    #[error("{1}")]
    BadRequest(&'static str, String),
    /// 401: no valid session, or wrong credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 404: absent, or not the caller's (the two are indistinguishable by design).
    #[error("not found")]
    NotFound,
    /// 405: the route exists but does not take this method.
    #[error("this route does not take that method")]
    MethodNotAllowed,
    /// 409: the id (or email) is taken.
    #[error("{0}")]
    Conflict(&'static str),
    /// 409: an update that is not the next version of what is stored.
    #[error("{0}")]
    StaleVersion(String),
    /// 410: an invitation that was used or expired.
    #[error("{0}")]
    Gone(&'static str),
    /// 413.
    #[error("request body too large")]
    TooLarge,
    /// 413: storing this would take the user past their file quota.
    #[error("{0}")]
    QuotaExceeded(String),
    /// 429 with the seconds to wait.
    #[error("too many failed attempts; try again in {0} s")]
    RateLimited(i64),
    /// 500: logged, never detailed to the client.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 400 with a code and message.
    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest(code, message.into())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(code, _) => (StatusCode::BAD_REQUEST, code),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "NotFound"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "Conflict"),
            ApiError::StaleVersion(_) => (StatusCode::CONFLICT, "StaleVersion"),
            ApiError::Gone(_) => (StatusCode::GONE, "Gone"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge"),
            ApiError::QuotaExceeded(_) => (StatusCode::PAYLOAD_TOO_LARGE, "QuotaExceeded"),
            ApiError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "RateLimited"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal"),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(db) = error.as_database_error()
            && (db.is_unique_violation() || db.is_foreign_key_violation())
        {
            return if db.is_unique_violation() {
                ApiError::Conflict("an object with this id already exists")
            } else {
                ApiError::bad("InvalidReference", "a referenced id does not exist")
            };
        }
        ApiError::Internal(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(error) = &self {
            tracing::error!(error = %error, "internal error");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: self.to_string(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::RateLimited(seconds) = self
            && let Ok(value) = seconds.to_string().parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

/// `Json<T>` whose rejections (bad JSON, unknown fields, wrong types, wrong content type,
/// oversized bodies) are JSON errors too.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::BytesRejection(_)
                    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
                {
                    ApiError::TooLarge
                }
                JsonRejection::JsonDataError(e) => ApiError::bad("InvalidField", e.body_text()),
                JsonRejection::JsonSyntaxError(e) => ApiError::bad("MalformedJson", e.body_text()),
                JsonRejection::MissingJsonContentType(_) => ApiError::bad(
                    "UnsupportedMediaType",
                    "expected Content-Type: application/json",
                ),
                other => ApiError::bad("BadRequest", other.body_text()),
            }),
        }
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, ApiError>;
