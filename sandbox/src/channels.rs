//! The channels (Blinger "applications") a conversation can arrive on, and their human labels.
//! Storage, the seed and the API's validation errors all read the list from here.

/// Channels (applications) the account has, one company account each.
pub const APPLICATIONS: &[&str] = &[
    "livechat",
    "telegrambot",
    "whatsapp",
    "facebook",
    "viber",
    "vk",
    "email",
    "twitter",
    "wechat",
    "line",
    "skype",
    "custom",
];

/// Human label of an application (default client names, channel names).
pub fn app_label(application: &str) -> &'static str {
    match application {
        "livechat" => "LiveChat",
        "telegrambot" => "Telegram",
        "whatsapp" => "WhatsApp",
        "facebook" => "Facebook",
        "viber" => "Viber",
        "vk" => "VK",
        "email" => "E-mail",
        "twitter" => "Twitter",
        "wechat" => "WeChat",
        "line" => "Line",
        "skype" => "Skype",
        _ => "Custom",
    }
}
