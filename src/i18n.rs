//! One string catalog for every word the widget shows, in English and Russian.
//!
//! Keys are an enum, so a missing translation is a compile error rather than a blank label.

use std::fmt;

/// A language the widget speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// Russian.
    Ru,
}

impl Locale {
    /// Parses a BCP 47 tag such as `ru`, `ru-RU` or `en-GB`; anything else is English.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("ru") {
            Locale::Ru
        } else {
            Locale::En
        }
    }

    /// The BCP 47 tag handed to `Intl` for dates and relative times.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ru => "ru",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

macro_rules! catalog {
    ($($key:ident => $en:literal, $ru:literal;)*) => {
        /// A message of the catalog.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Key { $($key),* }

        impl Key {
            /// The message in `locale`.
            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((Key::$key, Locale::En) => $en, (Key::$key, Locale::Ru) => $ru,)*
                }
            }

            /// Every key, for completeness tests.
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }
    };
}

catalog! {
    AppTitle => "Blinger inbox", "Входящие Blinger";
    ConnectHeading => "Connect to Blinger", "Подключение к Blinger";
    ConnectIntro => "Enter the API address and, unless a same-origin proxy adds it for you, the account token.",
        "Укажите адрес API и, если прокси на этом же сайте не добавляет его сам, токен аккаунта.";
    ConnectBaseUrl => "API address", "Адрес API";
    ConnectBaseUrlHint => "For example https://app.blinger.io, or /proxy for a same-origin proxy.",
        "Например, https://app.blinger.io или /proxy для прокси на этом же сайте.";
    ConnectOperator => "Operator ID (optional)", "ID оператора (необязательно)";
    ConnectOperatorHint => "Empty: act as the account owner.", "Пусто: действовать от имени владельца аккаунта.";
    ConnectToken => "API token", "Токен API";
    ConnectTokenHint => "Kept in memory for this tab only; never stored, never put in a URL.",
        "Хранится только в памяти этой вкладки; никогда не сохраняется и не попадает в адрес.";
    ConnectRemember => "Remember the address and operator on this device", "Запомнить адрес и оператора на этом устройстве";
    ConnectSubmit => "Connect", "Подключиться";
    ConnectErrorsHeading => "Please fix the highlighted fields.", "Исправьте отмеченные поля.";
    ErrBaseUrlEmpty => "Enter the API address.", "Укажите адрес API.";
    ErrBaseUrlScheme => "The address must start with http:// or https://, or be a path such as /proxy.",
        "Адрес должен начинаться с http:// или https:// либо быть путём вроде /proxy.";
    ErrBaseUrlCredentials => "Do not put a user name, password or token in the address.",
        "Не указывайте в адресе имя пользователя, пароль или токен.";
    ErrOperatorId => "The operator ID is a whole number above zero.", "ID оператора — целое число больше нуля.";
    ErrTokenSpaces => "The token cannot contain spaces or line breaks.", "Токен не может содержать пробелы или переводы строк.";
    ConnectedAs => "Connected to", "Подключено к";
    Disconnect => "Disconnect", "Отключиться";
    Loading => "Loading…", "Загрузка…";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for key in Key::ALL {
            assert!(!key.text(Locale::En).is_empty(), "{key:?} en");
            assert!(!key.text(Locale::Ru).is_empty(), "{key:?} ru");
        }
    }

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::from_tag("ru-RU"), Locale::Ru);
        assert_eq!(Locale::from_tag("RU"), Locale::Ru);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag(""), Locale::En);
        assert_eq!(Locale::from_tag("de"), Locale::En);
    }
}
