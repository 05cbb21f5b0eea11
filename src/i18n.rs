//! One string catalog for every word the widget shows, in English and Russian.
//!
//! Keys are an enum, so a missing translation is a compile error rather than a blank label.

use std::fmt;

use crate::api::ApiError;

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
                // One table per language, indexed by the key (smaller in the wasm than a match).
                const EN: &[&str] = &[$($en),*];
                const RU: &[&str] = &[$($ru),*];
                let table = match locale {
                    Locale::En => EN,
                    Locale::Ru => RU,
                };
                table.get(self as usize).copied().unwrap_or_default()
            }

            /// The message in `locale` with its `{}` filled in by `arg`.
            pub fn fill(self, locale: Locale, arg: &str) -> String {
                self.text(locale).replacen("{}", arg, 1)
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
    SignOut => "Sign out", "Выйти";
    SignInHeading => "Sign in as an operator", "Войти как оператор";
    SignInIntro => "Demo sign-in through the gateway's --dev-login: pick who you are. A real deployment signs operators in with its own login.",
        "Демо-вход через --dev-login шлюза: выберите, кто вы. В рабочей установке операторы входят через собственный логин.";
    SignInAs => "Sign in as {}", "Войти как {}";
    SignInOperatorId => "operator {}", "оператор {}";
    SignInNone => "The account has no operators to sign in as.", "В аккаунте нет операторов, от имени которых можно войти.";
    SignInFailed => "The list of operators could not be loaded.", "Не удалось загрузить список операторов.";
    Loading => "Loading…", "Загрузка…";
    ConfigInvalid => "This inbox is not configured correctly.", "Входящие настроены неверно.";
    InboxLabel => "Conversations", "Диалоги";
    ConversationLabel => "Open conversation", "Открытый диалог";
    PickConversation => "Pick a conversation to read and answer it.", "Выберите диалог, чтобы прочитать его и ответить.";
    ShortcutHint => "Press ? for keyboard shortcuts.", "Нажмите ?, чтобы увидеть сочетания клавиш.";
    ViewAttention => "Needs attention", "Требуют внимания";
    ViewUnassigned => "Unassigned", "Без оператора";
    ViewUnread => "Unread", "Непрочитанные";
    ViewNotAnswered => "Not answered", "Без ответа";
    ViewsLabel => "Views", "Представления";
    ConversationsWord => "conversations", "диалогов";
    EmptyAttention => "All caught up: nothing needs attention.", "Всё разобрано: ничего не требует внимания.";
    EmptyUnassigned => "No unassigned conversations.", "Нет диалогов без оператора.";
    EmptyUnread => "No unread conversations in your inbox.", "В ваших входящих нет непрочитанных диалогов.";
    EmptyNotAnswered => "Every conversation in your inbox is answered.", "На все диалоги в ваших входящих есть ответ.";
    SortLabel => "Sort", "Сортировка";
    SortLatest => "Latest activity", "Последняя активность";
    SortWaiting => "Waiting longest", "Дольше всех ждут";
    Refresh => "Refresh", "Обновить";
    SkippedRows => "conversation(s) could not be read and are not shown.", "диалог(ов) не удалось прочитать, они не показаны.";
    UpdatesBar => "updates: show", "обновлений: показать";
    OfflineTitle => "Offline.", "Нет сети.";
    OfflineText => "The list is shown as it was; it refreshes as soon as you are back online.", "Список показан как был; он обновится, как только сеть вернётся.";
    AuthTitle => "Signed out.", "Сеанс завершён.";
    BackoffTitle => "Cannot refresh the list.", "Не удаётся обновить список.";
    NextTry => "Next try in", "Следующая попытка через";
    NotUpdatedYet => "Not updated yet", "Ещё не обновлялось";
    UpdatedPrefix => "Updated", "Обновлено";
    PushLive => "Live", "В реальном времени";
    PushLiveHint => "Changes arrive as they happen", "Изменения приходят сразу";
    PushDown => "live updates interrupted, checking every few seconds", "обновления в реальном времени прервались, проверяем каждые несколько секунд";
    AssignedToMe => "Me", "Я";
    NoteTag => "Note:", "Заметка:";
    YouTag => "You:", "Вы:";
    UnreadWord => "unread", "непрочитанных";
    UnitSeconds => "s", " с";
    UnitMinutes => "m", " мин";
    UnitHours => "h", " ч";
    UnitDays => "d", " д";
    WaitsPrefix => "waits", "ждёт";
    WaitingTitle => "Waiting for an answer", "Ждёт ответа";
    DraftTag => "Draft", "Черновик";
    ShortcutsTitle => "Keyboard shortcuts", "Сочетания клавиш";
    KeyMove => "Move through the list", "Перемещение по списку";
    KeyOpen => "Open the conversation", "Открыть диалог";
    KeyReply => "Reply", "Ответить";
    KeyNote => "Write an internal note", "Написать внутреннюю заметку";
    KeyFile => "Send a file by URL", "Отправить файл по ссылке";
    KeyTake => "Take the conversation", "Взять диалог";
    KeyClose => "Close the conversation", "Закрыть диалог";
    KeyBack => "Back to the list", "Назад к списку";
    KeyHelp => "Show or hide this help", "Показать или скрыть эту справку";
    CloseDialog => "Close", "Закрыть";
    ConversationLoadFailed => "Cannot load this conversation.", "Не удаётся загрузить диалог.";
    StaleConversation => "This conversation may be out of date.", "Диалог может быть устаревшим.";
    Working => "Working…", "Выполняется…";
    StatusUnassigned => "Unassigned", "Без оператора";
    StatusInbox => "In an inbox", "Во входящих";
    StatusClosed => "Closed", "Закрыт";
    StatusOther => "Unknown status", "Неизвестный статус";
    ClosingSoon => "Closing in a few seconds.", "Диалог закроется через несколько секунд.";
    UnassigningSoon => "Returning to the unassigned queue in a few seconds.", "Диалог вернётся в очередь через несколько секунд.";
    Undo => "Undo", "Отменить";
    ActionFailed => "That did not work.", "Не получилось.";
    Dismiss => "Dismiss", "Скрыть";
    BackToList => "Back to the list", "Назад к списку";
    ActionsLabel => "Conversation actions", "Действия с диалогом";
    Take => "Take", "Взять";
    Reopen => "Take to reopen", "Взять и открыть снова";
    Unassign => "Unassign", "Снять оператора";
    Close => "Close", "Закрыть";
    AssignOperator => "Assign operator…", "Назначить оператора…";
    AssignGroup => "Assign group…", "Назначить группу…";
    HistoryUnavailable => "The message history is unavailable right now; showing what this inbox knows.", "История сообщений сейчас недоступна; показано то, что известно.";
    TimelineLabel => "Messages", "Сообщения";
    TimelineEmpty => "No messages to show yet.", "Сообщений пока нет.";
    NewMessages => "New messages ↓", "Новые сообщения ↓";
    ClientWord => "Client", "Клиент";
    OperatorWord => "Operator", "Оператор";
    YouWord => "You", "Вы";
    ImageAlt => "Image sent in the conversation", "Изображение из диалога";
    Sending => "Sending…", "Отправляется…";
    SendFailed => "Not sent.", "Не отправлено.";
    SendUnconfirmed => "Not confirmed.", "Не подтверждено.";
    NoteLabel => "Internal note", "Внутренняя заметка";
    Retry => "Retry", "Повторить";
    Discard => "Discard", "Удалить";
    FileUrlEmpty => "Enter the file's URL.", "Укажите ссылку на файл.";
    FileUrlInvalid => "The file URL must start with http:// or https://.", "Ссылка на файл должна начинаться с http:// или https://.";
    EmptyMessage => "Type a message first.", "Сначала введите сообщение.";
    DriftNewMessage => "The client wrote again.", "Клиент написал снова.";
    DriftTaken => "Another operator took this conversation.", "Диалог взял другой оператор.";
    DriftClosed => "The conversation was closed.", "Диалог был закрыт.";
    ComposerClosed => "This conversation is closed. Take it to reopen and answer.", "Диалог закрыт. Возьмите его, чтобы открыть снова и ответить.";
    ReplyPlaceholder => "Reply to the client…", "Ответ клиенту…";
    FilePlaceholder => "https://… link to the file", "https://… ссылка на файл";
    NotePlaceholder => "Internal note: only operators see it…", "Внутренняя заметка: видят только операторы…";
    Send => "Send", "Отправить";
    SendFile => "Send file", "Отправить файл";
    AddNote => "Add note", "Добавить заметку";
    ModeReply => "Reply", "Ответ";
    ModeFile => "File URL", "Файл по ссылке";
    ModeNote => "Internal note", "Заметка";
    HintEnter => "Enter sends, Shift+Enter adds a line", "Enter отправляет, Shift+Enter — новая строка";
    HintCtrlEnter => "Ctrl/⌘+Enter sends, Enter adds a line", "Ctrl/⌘+Enter отправляет, Enter — новая строка";
    ComposerModes => "Message type", "Тип сообщения";
    NoteBanner => "Internal note: the client will not see this.", "Внутренняя заметка: клиент её не увидит.";
    ConfirmTitle => "The conversation changed since you opened it:", "Диалог изменился с момента открытия:";
    SendAnyway => "Send anyway", "Всё равно отправить";
    Review => "Review first", "Сначала посмотреть";
    DraftsLocalOnly => "storage is full or unavailable: drafts and messages are kept only in this tab", "хранилище заполнено или недоступно: черновики и сообщения хранятся только в этой вкладке";
    StorageWriteFailed => "The browser refused to save drafts and messages (storage full or disabled). They are kept in this tab only; do not close it until they are sent.",
        "Браузер не сохраняет черновики и сообщения (хранилище заполнено или отключено). Они хранятся только в этой вкладке; не закрывайте её, пока они не отправлены.";
    Settings => "Settings", "Настройки";
    SettingsTheme => "Theme", "Тема";
    ThemeAuto => "As the system", "Как в системе";
    ThemeLight => "Light", "Светлая";
    ThemeDark => "Dark", "Тёмная";
    SettingsSendKey => "Send with", "Отправка";
    SendKeyEnter => "Enter (Shift+Enter: new line)", "Enter (Shift+Enter — новая строка)";
    SendKeyCtrlEnter => "Ctrl/⌘+Enter (Enter: new line)", "Ctrl/⌘+Enter (Enter — новая строка)";
    SettingsLanguage => "Language", "Язык";
    LanguageAuto => "As the browser", "Как в браузере";
    LanguageEnglish => "English", "English";
    LanguageRussian => "Русский", "Русский";
    SettingsNotify => "Alert me about new client messages", "Сообщать о новых сообщениях клиентов";
    NotifyOff => "Never", "Никогда";
    NotifyMine => "In my conversations", "В моих диалогах";
    NotifyMineUnassigned => "In mine and unassigned ones", "В моих и без оператора";
    NotifySound => "Play a sound", "Звуковой сигнал";
    NotifyHint => "Desktop notifications appear while this tab is in the background. Nothing is sent anywhere.",
        "Уведомления на рабочем столе появляются, когда вкладка в фоне. Никуда ничего не отправляется.";
    NotifyBlocked => "This browser blocks notifications for this site: only the sound is used.",
        "Браузер запрещает уведомления для этого сайта: используется только звук.";
    NotifyUnsupported => "This browser has no desktop notifications: only the sound is used.",
        "Браузер не поддерживает уведомления: используется только звук.";
    NotifyNewConversation => "New conversation", "Новый диалог";
    NotifyFile => "sent a file", "прислал(а) файл";
    ErrSignedOut => "You are signed out: the access token was not accepted.",
        "Вы вышли: токен доступа не принят.";
    ErrSignedOutWith => "You are signed out: the access token was not accepted ({}).",
        "Вы вышли: токен доступа не принят ({}).";
    ErrForbidden => "You are not allowed to do this.", "У вас нет прав на это действие.";
    ErrNotFound => "This conversation (or item) no longer exists.", "Этого диалога (или объекта) больше нет.";
    ErrRejected => "The request was not accepted.", "Запрос не принят.";
    ErrRateLimitedIn => "Too many requests. Trying again in {} s.", "Слишком много запросов. Повтор через {} с.";
    ErrRateLimited => "Too many requests. Trying again shortly.", "Слишком много запросов. Скоро повторим.";
    ErrServer => "The Blinger server had a problem (HTTP {}). Trying again shortly.",
        "У сервера Blinger сбой (HTTP {}). Скоро повторим.";
    ErrTimeout => "The server took too long to answer.", "Сервер слишком долго не отвечал.";
    ErrNetwork => "Cannot reach the server. Check your connection.", "Сервер недоступен. Проверьте подключение.";
    ErrDecode => "The server sent an answer this inbox cannot read.", "Сервер прислал ответ, который не удаётся прочитать.";
    ErrAborted => "The request was cancelled.", "Запрос отменён.";
    OutboxReloaded => "The page was reloaded while sending.", "Страница перезагрузилась во время отправки.";
    OutboxNotConfirmed => "The server did not confirm this message. It may not have been delivered.",
        "Сервер не подтвердил это сообщение. Возможно, оно не доставлено.";
    StoredUnreadable => "{} saved item(s) (messages or drafts) could not be read and were skipped; the rest was kept.",
        "Не удалось прочитать сохранённые элементы (сообщения или черновики): {}; они пропущены, остальное сохранено.";
    OutboxUncheckable => "Delivery could not be checked: {}", "Не удалось проверить доставку: {}";
}

/// An [`ApiError`] in words an operator understands, in `locale`; a 400's own message (the
/// server's words, e.g. "The conversation was assigned to another operator") is kept as sent.
pub fn error_text(error: &ApiError, locale: Locale) -> String {
    let t = |k: Key| k.text(locale);
    let with = |k: Key, arg: &str| k.fill(locale, arg);
    match error {
        ApiError::Unauthorized { message } if message.is_empty() => t(Key::ErrSignedOut).to_owned(),
        ApiError::Unauthorized { message } => with(Key::ErrSignedOutWith, message),
        ApiError::Forbidden => t(Key::ErrForbidden).to_owned(),
        ApiError::NotFound => t(Key::ErrNotFound).to_owned(),
        ApiError::Validation { .. } => error
            .server_message()
            .unwrap_or_else(|| t(Key::ErrRejected).to_owned()),
        ApiError::RateLimited {
            retry_after_secs: Some(s),
        } => with(Key::ErrRateLimitedIn, &s.to_string()),
        ApiError::RateLimited { .. } => t(Key::ErrRateLimited).to_owned(),
        ApiError::Server { status } => with(Key::ErrServer, &status.to_string()),
        ApiError::Timeout => t(Key::ErrTimeout).to_owned(),
        ApiError::Network { .. } => t(Key::ErrNetwork).to_owned(),
        ApiError::Decode { .. } => t(Key::ErrDecode).to_owned(),
        ApiError::Aborted => t(Key::ErrAborted).to_owned(),
    }
}

/// [`Key::OutboxUncheckable`] with the error that stopped the check.
pub fn uncheckable_text(error: &ApiError, locale: Locale) -> String {
    Key::OutboxUncheckable.fill(locale, &error_text(error, locale))
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
    fn every_api_error_has_words_in_both_languages() {
        // Each error as the decoder makes it from an answer, plus those no answer makes.
        let answer = |status: u16, error: &str| {
            let body = format!(r#"{{"status":{status},"error":{error}}}"#);
            let mut resp = crate::api::HttpResponse::new(status, body);
            if status == 429 && error != "null" {
                resp.headers.push(("retry-after".into(), "7".into()));
            }
            crate::api::wire::decode_conversation(&resp).unwrap_err()
        };
        let mut errors: Vec<ApiError> = [
            (401, "null"),
            (401, r#""Empty token""#),
            (403, "null"),
            (404, "null"),
            (400, "null"),
            (400, r#""Operator not found""#),
            (429, r#""slow down""#),
            (429, "null"),
            (503, "null"),
            (408, "null"),
        ]
        .iter()
        .map(|(status, error)| answer(*status, error))
        .collect();
        errors.push(ApiError::Network {
            message: "x".into(),
        });
        errors.push(ApiError::Decode {
            path: "data".into(),
            message: "x".into(),
        });
        errors.push(ApiError::Aborted);
        assert!(matches!(
            errors[6],
            ApiError::RateLimited {
                retry_after_secs: Some(7)
            }
        ));
        assert!(matches!(errors[9], ApiError::Timeout));
        for e in &errors {
            let (en, ru) = (error_text(e, Locale::En), error_text(e, Locale::Ru));
            assert!(
                !en.is_empty() && !ru.is_empty() && !en.contains("{}") && !ru.contains("{}"),
                "{e:?}"
            );
        }
        assert!(error_text(&errors[1], Locale::Ru).contains("Empty token"));
        assert!(error_text(&errors[5], Locale::Ru).contains("Operator not found"));
        assert!(error_text(&errors[6], Locale::Ru).contains("7 с"));
        assert!(error_text(&errors[8], Locale::Ru).contains("503"));
        assert_ne!(
            error_text(&errors[9], Locale::En),
            error_text(&errors[9], Locale::Ru)
        );
        assert!(
            uncheckable_text(&ApiError::Timeout, Locale::Ru).starts_with("Не удалось проверить")
        );
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
