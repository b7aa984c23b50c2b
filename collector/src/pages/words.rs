//! The words of the hosted pages and of survey emails, in every language the widget speaks
//! (its own texts, the question and the scale's labels, come from the widget's catalogs).
//! `{product}` stands for the product's name: only in the email's footer (the pages, served by the
//! collector, do not know it).

use nps_widget::core::i18n::{is_rtl, resolve};

/// The words of one language.
#[derive(Debug)]
pub struct Words {
    /// The language's tag, one of the widget's.
    pub tag: &'static str,
    /// The survey page's title when the collector knows no product name.
    pub survey_title: &'static str,
    /// Shown when the survey page cannot run its script.
    pub noscript: &'static str,
    /// A link whose time is over.
    pub expired_title: &'static str,
    /// What to do about an expired link.
    pub expired_text: &'static str,
    /// A link that was changed or cut.
    pub invalid_title: &'static str,
    /// What to do about a broken link.
    pub invalid_text: &'static str,
    /// A link whose answer is already complete.
    pub answered_title: &'static str,
    /// Said when the answer is already complete.
    pub answered_text: &'static str,
    /// A link to a survey the collector does not know.
    pub unknown_survey_title: &'static str,
    /// Said of a survey the collector does not know.
    pub unknown_survey_text: &'static str,
    /// The unsubscribe page's title.
    pub unsubscribe_title: &'static str,
    /// What unsubscribing does.
    pub unsubscribe_text: &'static str,
    /// The unsubscribe button.
    pub unsubscribe_button: &'static str,
    /// The title once unsubscribed.
    pub unsubscribed_title: &'static str,
    /// Said once unsubscribed.
    pub unsubscribed_text: &'static str,
    /// Above the scores in an email.
    pub email_prompt: &'static str,
    /// Why the reader got the email.
    pub email_footer: &'static str,
    /// The email's unsubscribe link.
    pub email_unsubscribe: &'static str,
}

impl Words {
    /// `rtl` or `ltr`.
    pub fn dir(&self) -> &'static str {
        if is_rtl(self.tag) {
            "rtl"
        } else {
            "ltr"
        }
    }
}

const EN: Words = Words {
    tag: "en",
    survey_title: "Survey",
    noscript: "This survey needs JavaScript. Please turn it on and open the link again.",
    expired_title: "This link has expired",
    expired_text: "Survey links work for a limited time. Thank you for wanting to answer!",
    invalid_title: "This link does not work",
    invalid_text: "It may have been cut short or changed. Please open it again from the email.",
    answered_title: "Thank you!",
    answered_text: "Your answer is already recorded.",
    unknown_survey_title: "This survey is not available",
    unknown_survey_text: "Please check the link, or open it again from the email.",
    unsubscribe_title: "Unsubscribe from survey emails",
    unsubscribe_text: "You will no longer receive survey emails from us.",
    unsubscribe_button: "Unsubscribe",
    unsubscribed_title: "You are unsubscribed",
    unsubscribed_text: "You will not receive survey emails from us again.",
    email_prompt: "Click a number to answer.",
    email_footer: "You received this email because you use {product}.",
    email_unsubscribe: "Unsubscribe",
};

const AR: Words = Words {
    tag: "ar",
    survey_title: "استبيان",
    noscript: "يحتاج هذا الاستبيان إلى JavaScript. يُرجى تفعيله ثم فتح الرابط مرة أخرى.",
    expired_title: "انتهت صلاحية هذا الرابط",
    expired_text: "تعمل روابط الاستبيان لفترة محدودة. شكرًا لرغبتك في الإجابة!",
    invalid_title: "هذا الرابط لا يعمل",
    invalid_text: "ربما قُطع أو تغيّر. يُرجى فتحه مرة أخرى من البريد الإلكتروني.",
    answered_title: "شكرًا لك!",
    answered_text: "تم تسجيل إجابتك بالفعل.",
    unknown_survey_title: "هذا الاستبيان غير متاح",
    unknown_survey_text: "يُرجى التحقق من الرابط، أو فتحه مرة أخرى من البريد الإلكتروني.",
    unsubscribe_title: "إلغاء الاشتراك في رسائل الاستبيانات",
    unsubscribe_text: "لن تتلقى منا رسائل استبيانات بعد الآن.",
    unsubscribe_button: "إلغاء الاشتراك",
    unsubscribed_title: "تم إلغاء اشتراكك",
    unsubscribed_text: "لن تتلقى منا رسائل استبيانات مرة أخرى.",
    email_prompt: "انقر على رقم للإجابة.",
    email_footer: "تلقيت هذه الرسالة لأنك تستخدم {product}.",
    email_unsubscribe: "إلغاء الاشتراك",
};

const BG: Words = Words {
    tag: "bg",
    survey_title: "Анкета",
    noscript: "Тази анкета изисква JavaScript. Моля, включете го и отворете връзката отново.",
    expired_title: "Тази връзка е изтекла",
    expired_text:
        "Връзките към анкети работят ограничено време. Благодарим, че искате да отговорите!",
    invalid_title: "Тази връзка не работи",
    invalid_text: "Може да е съкратена или променена. Моля, отворете я отново от имейла.",
    answered_title: "Благодарим ви!",
    answered_text: "Отговорът ви вече е записан.",
    unknown_survey_title: "Тази анкета не е налична",
    unknown_survey_text: "Моля, проверете връзката или я отворете отново от имейла.",
    unsubscribe_title: "Отписване от имейли с анкети",
    unsubscribe_text: "Повече няма да получавате имейли с анкети от нас.",
    unsubscribe_button: "Отписване",
    unsubscribed_title: "Отписахте се",
    unsubscribed_text: "Няма да получавате повече имейли с анкети от нас.",
    email_prompt: "Щракнете върху число, за да отговорите.",
    email_footer: "Получавате този имейл, защото използвате {product}.",
    email_unsubscribe: "Отписване",
};

const CS: Words = Words {
    tag: "cs",
    survey_title: "Dotazník",
    noscript: "Tento průzkum vyžaduje JavaScript. Zapněte ho prosím a otevřete odkaz znovu.",
    expired_title: "Platnost tohoto odkazu vypršela",
    expired_text: "Odkazy na průzkumy platí jen omezenou dobu. Děkujeme, že chcete odpovědět!",
    invalid_title: "Tento odkaz nefunguje",
    invalid_text: "Mohl být zkrácen nebo změněn. Otevřete ho prosím znovu z e-mailu.",
    answered_title: "Děkujeme!",
    answered_text: "Vaše odpověď už je zaznamenána.",
    unknown_survey_title: "Tento průzkum není k dispozici",
    unknown_survey_text: "Zkontrolujte prosím odkaz nebo ho otevřete znovu z e-mailu.",
    unsubscribe_title: "Odhlášení z e-mailů s průzkumy",
    unsubscribe_text: "Už vám nebudeme posílat e-maily s průzkumy.",
    unsubscribe_button: "Odhlásit se",
    unsubscribed_title: "Jste odhlášeni",
    unsubscribed_text: "E-maily s průzkumy vám už posílat nebudeme.",
    email_prompt: "Klikněte na číslo a odpovězte.",
    email_footer: "Tento e-mail jste dostali, protože používáte {product}.",
    email_unsubscribe: "Odhlásit se",
};

const DA: Words = Words {
    tag: "da",
    survey_title: "Undersøgelse",
    noscript: "Denne undersøgelse kræver JavaScript. Slå det til, og åbn linket igen.",
    expired_title: "Dette link er udløbet",
    expired_text:
        "Links til undersøgelser virker kun i en begrænset periode. Tak, fordi du ville svare!",
    invalid_title: "Dette link virker ikke",
    invalid_text: "Det er måske blevet afkortet eller ændret. Åbn det igen fra e-mailen.",
    answered_title: "Tak!",
    answered_text: "Dit svar er allerede registreret.",
    unknown_survey_title: "Denne undersøgelse er ikke tilgængelig",
    unknown_survey_text: "Tjek linket, eller åbn det igen fra e-mailen.",
    unsubscribe_title: "Afmeld e-mails med undersøgelser",
    unsubscribe_text: "Du vil ikke længere modtage e-mails med undersøgelser fra os.",
    unsubscribe_button: "Afmeld",
    unsubscribed_title: "Du er afmeldt",
    unsubscribed_text: "Du vil ikke modtage e-mails med undersøgelser fra os igen.",
    email_prompt: "Klik på et tal for at svare.",
    email_footer: "Du modtager denne e-mail, fordi du bruger {product}.",
    email_unsubscribe: "Afmeld",
};

const DE: Words = Words {
    tag: "de",
    survey_title: "Umfrage",
    noscript: "Diese Umfrage benötigt JavaScript. Bitte aktivieren Sie es und öffnen Sie den Link erneut.",
    expired_title: "Dieser Link ist abgelaufen",
    expired_text: "Umfragelinks sind nur begrenzt gültig. Danke, dass Sie antworten wollten!",
    invalid_title: "Dieser Link funktioniert nicht",
    invalid_text: "Er wurde möglicherweise gekürzt oder verändert. Bitte öffnen Sie ihn erneut aus der E-Mail.",
    answered_title: "Vielen Dank!",
    answered_text: "Ihre Antwort ist bereits gespeichert.",
    unknown_survey_title: "Diese Umfrage ist nicht verfügbar",
    unknown_survey_text: "Bitte prüfen Sie den Link oder öffnen Sie ihn erneut aus der E-Mail.",
    unsubscribe_title: "Umfrage-E-Mails abbestellen",
    unsubscribe_text: "Sie erhalten dann keine Umfrage-E-Mails mehr von uns.",
    unsubscribe_button: "Abbestellen",
    unsubscribed_title: "Sie haben sich abgemeldet",
    unsubscribed_text: "Sie erhalten keine Umfrage-E-Mails mehr von uns.",
    email_prompt: "Klicken Sie auf eine Zahl, um zu antworten.",
    email_footer: "Sie erhalten diese E-Mail, weil Sie {product} nutzen.",
    email_unsubscribe: "Abbestellen",
};

const EL: Words = Words {
    tag: "el",
    survey_title: "Έρευνα",
    noscript: "Αυτή η έρευνα χρειάζεται JavaScript. Ενεργοποιήστε το και ανοίξτε ξανά τον σύνδεσμο.",
    expired_title: "Αυτός ο σύνδεσμος έχει λήξει",
    expired_text: "Οι σύνδεσμοι των ερευνών ισχύουν για περιορισμένο χρόνο. Ευχαριστούμε που θέλατε να απαντήσετε!",
    invalid_title: "Αυτός ο σύνδεσμος δεν λειτουργεί",
    invalid_text: "Ίσως κόπηκε ή άλλαξε. Ανοίξτε τον ξανά από το email.",
    answered_title: "Ευχαριστούμε!",
    answered_text: "Η απάντησή σας έχει ήδη καταγραφεί.",
    unknown_survey_title: "Αυτή η έρευνα δεν είναι διαθέσιμη",
    unknown_survey_text: "Ελέγξτε τον σύνδεσμο ή ανοίξτε τον ξανά από το email.",
    unsubscribe_title: "Διαγραφή από τα email ερευνών",
    unsubscribe_text: "Δεν θα λαμβάνετε πλέον email ερευνών από εμάς.",
    unsubscribe_button: "Διαγραφή",
    unsubscribed_title: "Η διαγραφή σας ολοκληρώθηκε",
    unsubscribed_text: "Δεν θα λάβετε ξανά email ερευνών από εμάς.",
    email_prompt: "Κάντε κλικ σε έναν αριθμό για να απαντήσετε.",
    email_footer: "Λάβατε αυτό το email επειδή χρησιμοποιείτε το {product}.",
    email_unsubscribe: "Διαγραφή",
};

const ES: Words = Words {
    tag: "es",
    survey_title: "Encuesta",
    noscript: "Esta encuesta necesita JavaScript. Actívalo y vuelve a abrir el enlace.",
    expired_title: "Este enlace ha caducado",
    expired_text: "Los enlaces de las encuestas funcionan durante un tiempo limitado. ¡Gracias por querer responder!",
    invalid_title: "Este enlace no funciona",
    invalid_text: "Puede que se haya cortado o modificado. Vuelve a abrirlo desde el correo.",
    answered_title: "¡Gracias!",
    answered_text: "Tu respuesta ya está registrada.",
    unknown_survey_title: "Esta encuesta no está disponible",
    unknown_survey_text: "Comprueba el enlace o vuelve a abrirlo desde el correo.",
    unsubscribe_title: "Darse de baja de los correos de encuestas",
    unsubscribe_text: "Dejarás de recibir correos de encuestas de nuestra parte.",
    unsubscribe_button: "Darme de baja",
    unsubscribed_title: "Te has dado de baja",
    unsubscribed_text: "No volverás a recibir correos de encuestas de nuestra parte.",
    email_prompt: "Haz clic en un número para responder.",
    email_footer: "Recibes este correo porque usas {product}.",
    email_unsubscribe: "Darme de baja",
};

const ET: Words = Words {
    tag: "et",
    survey_title: "Küsitlus",
    noscript: "See küsitlus vajab JavaScripti. Lülitage see sisse ja avage link uuesti.",
    expired_title: "Selle lingi kehtivus on lõppenud",
    expired_text: "Küsitluste lingid kehtivad piiratud aja. Aitäh, et soovisite vastata!",
    invalid_title: "See link ei tööta",
    invalid_text: "See võib olla lühenenud või muutunud. Avage see uuesti e-kirjast.",
    answered_title: "Aitäh!",
    answered_text: "Teie vastus on juba salvestatud.",
    unknown_survey_title: "See küsitlus pole saadaval",
    unknown_survey_text: "Kontrollige linki või avage see uuesti e-kirjast.",
    unsubscribe_title: "Küsitluste e-kirjadest loobumine",
    unsubscribe_text: "Te ei saa meilt enam küsitluste e-kirju.",
    unsubscribe_button: "Loobu",
    unsubscribed_title: "Olete loobunud",
    unsubscribed_text: "Te ei saa meilt enam kunagi küsitluste e-kirju.",
    email_prompt: "Vastamiseks klõpsake numbril.",
    email_footer: "Saite selle e-kirja, sest kasutate toodet {product}.",
    email_unsubscribe: "Loobu tellimusest",
};

const FA: Words = Words {
    tag: "fa",
    survey_title: "نظرسنجی",
    noscript:
        "این نظرسنجی به JavaScript نیاز دارد. لطفاً آن را فعال کنید و پیوند را دوباره باز کنید.",
    expired_title: "این پیوند منقضی شده است",
    expired_text:
        "پیوندهای نظرسنجی مدت محدودی کار می‌کنند. از اینکه می‌خواستید پاسخ دهید سپاسگزاریم!",
    invalid_title: "این پیوند کار نمی‌کند",
    invalid_text: "ممکن است کوتاه یا تغییر داده شده باشد. لطفاً آن را دوباره از ایمیل باز کنید.",
    answered_title: "سپاسگزاریم!",
    answered_text: "پاسخ شما قبلاً ثبت شده است.",
    unknown_survey_title: "این نظرسنجی در دسترس نیست",
    unknown_survey_text: "لطفاً پیوند را بررسی کنید یا آن را دوباره از ایمیل باز کنید.",
    unsubscribe_title: "لغو اشتراک ایمیل‌های نظرسنجی",
    unsubscribe_text: "دیگر ایمیل نظرسنجی از ما دریافت نخواهید کرد.",
    unsubscribe_button: "لغو اشتراک",
    unsubscribed_title: "اشتراک شما لغو شد",
    unsubscribed_text: "دیگر هرگز ایمیل نظرسنجی از ما دریافت نخواهید کرد.",
    email_prompt: "برای پاسخ دادن روی یک عدد کلیک کنید.",
    email_footer: "این ایمیل را دریافت کرده‌اید چون از {product} استفاده می‌کنید.",
    email_unsubscribe: "لغو اشتراک",
};

const FI: Words = Words {
    tag: "fi",
    survey_title: "Kysely",
    noscript: "Tämä kysely tarvitsee JavaScriptin. Ota se käyttöön ja avaa linkki uudelleen.",
    expired_title: "Tämä linkki on vanhentunut",
    expired_text: "Kyselylinkit toimivat rajoitetun ajan. Kiitos, että halusit vastata!",
    invalid_title: "Tämä linkki ei toimi",
    invalid_text: "Se on ehkä katkennut tai muuttunut. Avaa se uudelleen sähköpostista.",
    answered_title: "Kiitos!",
    answered_text: "Vastauksesi on jo tallennettu.",
    unknown_survey_title: "Tämä kysely ei ole saatavilla",
    unknown_survey_text: "Tarkista linkki tai avaa se uudelleen sähköpostista.",
    unsubscribe_title: "Peru kyselysähköpostit",
    unsubscribe_text: "Et saa meiltä enää kyselysähköposteja.",
    unsubscribe_button: "Peru tilaus",
    unsubscribed_title: "Tilauksesi on peruttu",
    unsubscribed_text: "Et saa meiltä enää koskaan kyselysähköposteja.",
    email_prompt: "Vastaa napsauttamalla numeroa.",
    email_footer: "Sait tämän viestin, koska käytät palvelua {product}.",
    email_unsubscribe: "Peru tilaus",
};

const FR: Words = Words {
    tag: "fr",
    survey_title: "Questionnaire",
    noscript: "Ce questionnaire nécessite JavaScript. Veuillez l’activer puis rouvrir le lien.",
    expired_title: "Ce lien a expiré",
    expired_text: "Les liens des questionnaires sont valables pour une durée limitée. Merci d’avoir voulu répondre !",
    invalid_title: "Ce lien ne fonctionne pas",
    invalid_text: "Il a peut-être été tronqué ou modifié. Veuillez le rouvrir depuis l’e-mail.",
    answered_title: "Merci !",
    answered_text: "Votre réponse est déjà enregistrée.",
    unknown_survey_title: "Ce questionnaire n’est pas disponible",
    unknown_survey_text: "Veuillez vérifier le lien ou le rouvrir depuis l’e-mail.",
    unsubscribe_title: "Se désabonner des e-mails de questionnaire",
    unsubscribe_text: "Vous ne recevrez plus d’e-mails de questionnaire de notre part.",
    unsubscribe_button: "Se désabonner",
    unsubscribed_title: "Vous êtes désabonné",
    unsubscribed_text: "Vous ne recevrez plus jamais d’e-mails de questionnaire de notre part.",
    email_prompt: "Cliquez sur un chiffre pour répondre.",
    email_footer: "Vous recevez cet e-mail parce que vous utilisez {product}.",
    email_unsubscribe: "Se désabonner",
};

const HE: Words = Words {
    tag: "he",
    survey_title: "סקר",
    noscript: "הסקר הזה דורש JavaScript. יש להפעיל אותו ולפתוח את הקישור שוב.",
    expired_title: "תוקף הקישור הזה פג",
    expired_text: "קישורים לסקרים פועלים לזמן מוגבל. תודה שרצית לענות!",
    invalid_title: "הקישור הזה לא עובד",
    invalid_text: "ייתכן שהוא נקטע או שונה. יש לפתוח אותו שוב מהאימייל.",
    answered_title: "תודה!",
    answered_text: "התשובה שלך כבר נרשמה.",
    unknown_survey_title: "הסקר הזה אינו זמין",
    unknown_survey_text: "יש לבדוק את הקישור או לפתוח אותו שוב מהאימייל.",
    unsubscribe_title: "ביטול המינוי לאימיילים של סקרים",
    unsubscribe_text: "לא תקבל/י מאיתנו עוד אימיילים של סקרים.",
    unsubscribe_button: "ביטול המינוי",
    unsubscribed_title: "המינוי בוטל",
    unsubscribed_text: "לא תקבל/י מאיתנו אימיילים של סקרים שוב.",
    email_prompt: "יש ללחוץ על מספר כדי לענות.",
    email_footer: "קיבלת את האימייל הזה כי את/ה משתמש/ת ב-{product}.",
    email_unsubscribe: "ביטול המינוי",
};

const HI: Words = Words {
    tag: "hi",
    survey_title: "सर्वेक्षण",
    noscript: "इस सर्वे के लिए JavaScript ज़रूरी है। कृपया इसे चालू करें और लिंक फिर से खोलें।",
    expired_title: "इस लिंक की समय-सीमा समाप्त हो गई है",
    expired_text: "सर्वे के लिंक सीमित समय तक काम करते हैं। जवाब देना चाहने के लिए धन्यवाद!",
    invalid_title: "यह लिंक काम नहीं कर रहा",
    invalid_text: "हो सकता है यह अधूरा रह गया हो या बदल गया हो। कृपया इसे ईमेल से फिर से खोलें।",
    answered_title: "धन्यवाद!",
    answered_text: "आपका जवाब पहले ही दर्ज हो चुका है।",
    unknown_survey_title: "यह सर्वे उपलब्ध नहीं है",
    unknown_survey_text: "कृपया लिंक जाँचें, या इसे ईमेल से फिर से खोलें।",
    unsubscribe_title: "सर्वे ईमेल से सदस्यता छोड़ें",
    unsubscribe_text: "अब आपको हमारी ओर से सर्वे ईमेल नहीं मिलेंगे।",
    unsubscribe_button: "सदस्यता छोड़ें",
    unsubscribed_title: "आपने सदस्यता छोड़ दी है",
    unsubscribed_text: "आपको हमारी ओर से फिर कभी सर्वे ईमेल नहीं मिलेंगे।",
    email_prompt: "जवाब देने के लिए किसी संख्या पर क्लिक करें।",
    email_footer: "आपको यह ईमेल इसलिए मिला क्योंकि आप {product} का उपयोग करते हैं।",
    email_unsubscribe: "सदस्यता छोड़ें",
};

const HR: Words = Words {
    tag: "hr",
    survey_title: "Anketa",
    noscript: "Ova anketa treba JavaScript. Uključite ga i ponovno otvorite poveznicu.",
    expired_title: "Ova je poveznica istekla",
    expired_text:
        "Poveznice na ankete vrijede ograničeno vrijeme. Hvala što ste htjeli odgovoriti!",
    invalid_title: "Ova poveznica ne radi",
    invalid_text: "Možda je skraćena ili izmijenjena. Ponovno je otvorite iz e-poruke.",
    answered_title: "Hvala!",
    answered_text: "Vaš je odgovor već zabilježen.",
    unknown_survey_title: "Ova anketa nije dostupna",
    unknown_survey_text: "Provjerite poveznicu ili je ponovno otvorite iz e-poruke.",
    unsubscribe_title: "Odjava od e-poruka s anketama",
    unsubscribe_text: "Više nećete primati e-poruke s anketama od nas.",
    unsubscribe_button: "Odjavi se",
    unsubscribed_title: "Odjavljeni ste",
    unsubscribed_text: "Nikad više nećete primati e-poruke s anketama od nas.",
    email_prompt: "Kliknite broj da biste odgovorili.",
    email_footer: "Ovu e-poruku primate jer koristite {product}.",
    email_unsubscribe: "Odjavi se",
};

const HU: Words = Words {
    tag: "hu",
    survey_title: "Kérdőív",
    noscript: "Ehhez a kérdőívhez JavaScript szükséges. Kapcsolja be, és nyissa meg újra a linket.",
    expired_title: "Ez a link lejárt",
    expired_text: "A kérdőívek linkjei korlátozott ideig működnek. Köszönjük, hogy válaszolni szeretett volna!",
    invalid_title: "Ez a link nem működik",
    invalid_text: "Lehet, hogy megcsonkult vagy megváltozott. Nyissa meg újra az e-mailből.",
    answered_title: "Köszönjük!",
    answered_text: "A válaszát már rögzítettük.",
    unknown_survey_title: "Ez a kérdőív nem érhető el",
    unknown_survey_text: "Ellenőrizze a linket, vagy nyissa meg újra az e-mailből.",
    unsubscribe_title: "Leiratkozás a kérdőíves e-mailekről",
    unsubscribe_text: "Többé nem küldünk Önnek kérdőíves e-maileket.",
    unsubscribe_button: "Leiratkozás",
    unsubscribed_title: "Sikeresen leiratkozott",
    unsubscribed_text: "Soha többé nem küldünk Önnek kérdőíves e-maileket.",
    email_prompt: "Kattintson egy számra a válaszadáshoz.",
    email_footer: "Azért kapta ezt az e-mailt, mert a(z) {product} felhasználója.",
    email_unsubscribe: "Leiratkozás",
};

const ID: Words = Words {
    tag: "id",
    survey_title: "Survei",
    noscript: "Survei ini memerlukan JavaScript. Aktifkan lalu buka tautannya lagi.",
    expired_title: "Tautan ini sudah kedaluwarsa",
    expired_text:
        "Tautan survei hanya berlaku untuk waktu terbatas. Terima kasih sudah ingin menjawab!",
    invalid_title: "Tautan ini tidak berfungsi",
    invalid_text: "Mungkin terpotong atau diubah. Silakan buka lagi dari email.",
    answered_title: "Terima kasih!",
    answered_text: "Jawaban Anda sudah tercatat.",
    unknown_survey_title: "Survei ini tidak tersedia",
    unknown_survey_text: "Periksa tautannya, atau buka lagi dari email.",
    unsubscribe_title: "Berhenti berlangganan email survei",
    unsubscribe_text: "Anda tidak akan menerima email survei dari kami lagi.",
    unsubscribe_button: "Berhenti berlangganan",
    unsubscribed_title: "Anda telah berhenti berlangganan",
    unsubscribed_text: "Anda tidak akan pernah lagi menerima email survei dari kami.",
    email_prompt: "Klik sebuah angka untuk menjawab.",
    email_footer: "Anda menerima email ini karena menggunakan {product}.",
    email_unsubscribe: "Berhenti berlangganan",
};

const IT: Words = Words {
    tag: "it",
    survey_title: "Sondaggio",
    noscript: "Questo sondaggio richiede JavaScript. Attivalo e riapri il link.",
    expired_title: "Questo link è scaduto",
    expired_text:
        "I link dei sondaggi funzionano per un tempo limitato. Grazie per aver voluto rispondere!",
    invalid_title: "Questo link non funziona",
    invalid_text: "Potrebbe essere stato troncato o modificato. Riaprilo dall’email.",
    answered_title: "Grazie!",
    answered_text: "La tua risposta è già stata registrata.",
    unknown_survey_title: "Questo sondaggio non è disponibile",
    unknown_survey_text: "Controlla il link oppure riaprilo dall’email.",
    unsubscribe_title: "Annulla l’iscrizione alle email dei sondaggi",
    unsubscribe_text: "Non riceverai più email di sondaggi da parte nostra.",
    unsubscribe_button: "Annulla iscrizione",
    unsubscribed_title: "Iscrizione annullata",
    unsubscribed_text: "Non riceverai mai più email di sondaggi da parte nostra.",
    email_prompt: "Fai clic su un numero per rispondere.",
    email_footer: "Ricevi questa email perché usi {product}.",
    email_unsubscribe: "Annulla iscrizione",
};

const JA: Words = Words {
    tag: "ja",
    survey_title: "アンケート",
    noscript: "このアンケートには JavaScript が必要です。有効にしてから、もう一度リンクを開いてください。",
    expired_title: "このリンクは有効期限が切れています",
    expired_text: "アンケートのリンクは一定期間のみ有効です。ご回答いただこうとしてくださり、ありがとうございます。",
    invalid_title: "このリンクは使用できません",
    invalid_text: "途中で切れているか、変更された可能性があります。メールからもう一度開いてください。",
    answered_title: "ありがとうございました！",
    answered_text: "ご回答はすでに記録されています。",
    unknown_survey_title: "このアンケートはご利用いただけません",
    unknown_survey_text: "リンクをご確認いただくか、メールからもう一度開いてください。",
    unsubscribe_title: "アンケートメールの配信停止",
    unsubscribe_text: "今後、アンケートメールはお送りしません。",
    unsubscribe_button: "配信を停止する",
    unsubscribed_title: "配信を停止しました",
    unsubscribed_text: "今後、アンケートメールをお送りすることはありません。",
    email_prompt: "数字をクリックしてご回答ください。",
    email_footer: "このメールは {product} をご利用の方にお送りしています。",
    email_unsubscribe: "配信停止",
};

const KO: Words = Words {
    tag: "ko",
    survey_title: "설문조사",
    noscript: "이 설문에는 JavaScript가 필요합니다. JavaScript를 켜고 링크를 다시 열어 주세요.",
    expired_title: "이 링크는 만료되었습니다",
    expired_text: "설문 링크는 일정 기간 동안만 유효합니다. 응답해 주시려고 해서 감사합니다!",
    invalid_title: "이 링크는 작동하지 않습니다",
    invalid_text: "링크가 잘렸거나 변경되었을 수 있습니다. 이메일에서 다시 열어 주세요.",
    answered_title: "감사합니다!",
    answered_text: "응답이 이미 기록되었습니다.",
    unknown_survey_title: "이 설문은 이용할 수 없습니다",
    unknown_survey_text: "링크를 확인하거나 이메일에서 다시 열어 주세요.",
    unsubscribe_title: "설문 이메일 수신 거부",
    unsubscribe_text: "앞으로 설문 이메일을 보내 드리지 않습니다.",
    unsubscribe_button: "수신 거부",
    unsubscribed_title: "수신 거부되었습니다",
    unsubscribed_text: "앞으로 다시는 설문 이메일을 보내 드리지 않습니다.",
    email_prompt: "숫자를 클릭하여 응답해 주세요.",
    email_footer: "{product}을(를) 사용하고 계셔서 이 이메일을 보내 드렸습니다.",
    email_unsubscribe: "수신 거부",
};

const LT: Words = Words {
    tag: "lt",
    survey_title: "Apklausa",
    noscript: "Šiai apklausai reikia JavaScript. Įjunkite jį ir vėl atidarykite nuorodą.",
    expired_title: "Ši nuoroda nebegalioja",
    expired_text: "Apklausų nuorodos galioja ribotą laiką. Ačiū, kad norėjote atsakyti!",
    invalid_title: "Ši nuoroda neveikia",
    invalid_text:
        "Galbūt ji sutrumpėjo arba buvo pakeista. Atidarykite ją dar kartą iš el. laiško.",
    answered_title: "Ačiū!",
    answered_text: "Jūsų atsakymas jau įrašytas.",
    unknown_survey_title: "Ši apklausa nepasiekiama",
    unknown_survey_text: "Patikrinkite nuorodą arba atidarykite ją dar kartą iš el. laiško.",
    unsubscribe_title: "Atsisakyti apklausų laiškų",
    unsubscribe_text: "Nebegausite iš mūsų apklausų laiškų.",
    unsubscribe_button: "Atsisakyti",
    unsubscribed_title: "Prenumeratos atsisakėte",
    unsubscribed_text: "Daugiau niekada negausite iš mūsų apklausų laiškų.",
    email_prompt: "Spustelėkite skaičių, kad atsakytumėte.",
    email_footer: "Šį laišką gavote, nes naudojatės {product}.",
    email_unsubscribe: "Atsisakyti prenumeratos",
};

const LV: Words = Words {
    tag: "lv",
    survey_title: "Aptauja",
    noscript:
        "Šai aptaujai nepieciešams JavaScript. Lūdzu, ieslēdziet to un atveriet saiti vēlreiz.",
    expired_title: "Šīs saites derīguma termiņš ir beidzies",
    expired_text: "Aptauju saites darbojas ierobežotu laiku. Paldies, ka vēlējāties atbildēt!",
    invalid_title: "Šī saite nedarbojas",
    invalid_text: "Iespējams, tā ir saīsināta vai mainīta. Lūdzu, atveriet to vēlreiz no e-pasta.",
    answered_title: "Paldies!",
    answered_text: "Jūsu atbilde jau ir saglabāta.",
    unknown_survey_title: "Šī aptauja nav pieejama",
    unknown_survey_text: "Lūdzu, pārbaudiet saiti vai atveriet to vēlreiz no e-pasta.",
    unsubscribe_title: "Atteikties no aptauju e-pastiem",
    unsubscribe_text: "Jūs vairs nesaņemsiet no mums aptauju e-pastus.",
    unsubscribe_button: "Atteikties",
    unsubscribed_title: "Jūs esat atteicies",
    unsubscribed_text: "Jūs vairs nekad nesaņemsiet no mums aptauju e-pastus.",
    email_prompt: "Noklikšķiniet uz skaitļa, lai atbildētu.",
    email_footer: "Jūs saņēmāt šo e-pastu, jo izmantojat {product}.",
    email_unsubscribe: "Atteikties no abonēšanas",
};

const MS: Words = Words {
    tag: "ms",
    survey_title: "Tinjauan",
    noscript: "Tinjauan ini memerlukan JavaScript. Sila hidupkannya dan buka pautan sekali lagi.",
    expired_title: "Pautan ini telah tamat tempoh",
    expired_text:
        "Pautan tinjauan berfungsi untuk tempoh terhad. Terima kasih kerana ingin menjawab!",
    invalid_title: "Pautan ini tidak berfungsi",
    invalid_text: "Ia mungkin terpotong atau diubah. Sila bukanya semula daripada e-mel.",
    answered_title: "Terima kasih!",
    answered_text: "Jawapan anda sudah direkodkan.",
    unknown_survey_title: "Tinjauan ini tidak tersedia",
    unknown_survey_text: "Sila semak pautan, atau bukanya semula daripada e-mel.",
    unsubscribe_title: "Berhenti melanggan e-mel tinjauan",
    unsubscribe_text: "Anda tidak akan menerima e-mel tinjauan daripada kami lagi.",
    unsubscribe_button: "Berhenti melanggan",
    unsubscribed_title: "Anda telah berhenti melanggan",
    unsubscribed_text: "Anda tidak akan sekali-kali menerima e-mel tinjauan daripada kami lagi.",
    email_prompt: "Klik nombor untuk menjawab.",
    email_footer: "Anda menerima e-mel ini kerana anda menggunakan {product}.",
    email_unsubscribe: "Berhenti melanggan",
};

const NB: Words = Words {
    tag: "nb",
    survey_title: "Undersøkelse",
    noscript: "Denne undersøkelsen krever JavaScript. Slå det på og åpne lenken på nytt.",
    expired_title: "Denne lenken har utløpt",
    expired_text:
        "Lenker til undersøkelser virker bare en begrenset tid. Takk for at du ville svare!",
    invalid_title: "Denne lenken virker ikke",
    invalid_text: "Den kan ha blitt kuttet eller endret. Åpne den på nytt fra e-posten.",
    answered_title: "Takk!",
    answered_text: "Svaret ditt er allerede registrert.",
    unknown_survey_title: "Denne undersøkelsen er ikke tilgjengelig",
    unknown_survey_text: "Sjekk lenken, eller åpne den på nytt fra e-posten.",
    unsubscribe_title: "Meld deg av e-poster med undersøkelser",
    unsubscribe_text: "Du vil ikke lenger få e-poster med undersøkelser fra oss.",
    unsubscribe_button: "Meld av",
    unsubscribed_title: "Du er meldt av",
    unsubscribed_text: "Du vil aldri mer få e-poster med undersøkelser fra oss.",
    email_prompt: "Klikk på et tall for å svare.",
    email_footer: "Du får denne e-posten fordi du bruker {product}.",
    email_unsubscribe: "Meld av",
};

const NL: Words = Words {
    tag: "nl",
    survey_title: "Enquête",
    noscript: "Voor deze enquête is JavaScript nodig. Zet het aan en open de link opnieuw.",
    expired_title: "Deze link is verlopen",
    expired_text: "Enquêtelinks werken een beperkte tijd. Bedankt dat je wilde antwoorden!",
    invalid_title: "Deze link werkt niet",
    invalid_text: "Hij is misschien afgekapt of gewijzigd. Open hem opnieuw vanuit de e-mail.",
    answered_title: "Bedankt!",
    answered_text: "Je antwoord is al vastgelegd.",
    unknown_survey_title: "Deze enquête is niet beschikbaar",
    unknown_survey_text: "Controleer de link of open hem opnieuw vanuit de e-mail.",
    unsubscribe_title: "Afmelden voor enquête-e-mails",
    unsubscribe_text: "Je ontvangt dan geen enquête-e-mails meer van ons.",
    unsubscribe_button: "Afmelden",
    unsubscribed_title: "Je bent afgemeld",
    unsubscribed_text: "Je ontvangt nooit meer enquête-e-mails van ons.",
    email_prompt: "Klik op een cijfer om te antwoorden.",
    email_footer: "Je ontvangt deze e-mail omdat je {product} gebruikt.",
    email_unsubscribe: "Afmelden",
};

const PL: Words = Words {
    tag: "pl",
    survey_title: "Ankieta",
    noscript: "Ta ankieta wymaga JavaScriptu. Włącz go i otwórz link ponownie.",
    expired_title: "Ten link wygasł",
    expired_text:
        "Linki do ankiet działają przez ograniczony czas. Dziękujemy, że chcesz odpowiedzieć!",
    invalid_title: "Ten link nie działa",
    invalid_text: "Mógł zostać obcięty lub zmieniony. Otwórz go ponownie z wiadomości e-mail.",
    answered_title: "Dziękujemy!",
    answered_text: "Twoja odpowiedź została już zapisana.",
    unknown_survey_title: "Ta ankieta jest niedostępna",
    unknown_survey_text: "Sprawdź link lub otwórz go ponownie z wiadomości e-mail.",
    unsubscribe_title: "Rezygnacja z e-maili z ankietami",
    unsubscribe_text: "Nie będziesz już otrzymywać od nas e-maili z ankietami.",
    unsubscribe_button: "Zrezygnuj",
    unsubscribed_title: "Zrezygnowano z subskrypcji",
    unsubscribed_text: "Nigdy więcej nie otrzymasz od nas e-maili z ankietami.",
    email_prompt: "Kliknij liczbę, aby odpowiedzieć.",
    email_footer: "Otrzymujesz tę wiadomość, ponieważ korzystasz z {product}.",
    email_unsubscribe: "Zrezygnuj z subskrypcji",
};

const PT: Words = Words {
    tag: "pt",
    survey_title: "Inquérito",
    noscript: "Este inquérito precisa de JavaScript. Ative-o e abra novamente a ligação.",
    expired_title: "Esta ligação expirou",
    expired_text: "As ligações dos inquéritos funcionam durante um tempo limitado. Obrigado por querer responder!",
    invalid_title: "Esta ligação não funciona",
    invalid_text: "Pode ter sido cortada ou alterada. Abra-a novamente a partir do e-mail.",
    answered_title: "Obrigado!",
    answered_text: "A sua resposta já está registada.",
    unknown_survey_title: "Este inquérito não está disponível",
    unknown_survey_text: "Verifique a ligação ou abra-a novamente a partir do e-mail.",
    unsubscribe_title: "Cancelar a subscrição dos e-mails de inquéritos",
    unsubscribe_text: "Deixará de receber e-mails de inquéritos da nossa parte.",
    unsubscribe_button: "Cancelar subscrição",
    unsubscribed_title: "A sua subscrição foi cancelada",
    unsubscribed_text: "Não voltará a receber e-mails de inquéritos da nossa parte.",
    email_prompt: "Clique num número para responder.",
    email_footer: "Recebeu este e-mail porque utiliza {product}.",
    email_unsubscribe: "Cancelar subscrição",
};

const PT_BR: Words = Words {
    tag: "pt-BR",
    survey_title: "Pesquisa",
    noscript: "Esta pesquisa precisa de JavaScript. Ative-o e abra o link novamente.",
    expired_title: "Este link expirou",
    expired_text:
        "Os links das pesquisas funcionam por tempo limitado. Obrigado por querer responder!",
    invalid_title: "Este link não funciona",
    invalid_text: "Ele pode ter sido cortado ou alterado. Abra-o novamente a partir do e-mail.",
    answered_title: "Obrigado!",
    answered_text: "Sua resposta já foi registrada.",
    unknown_survey_title: "Esta pesquisa não está disponível",
    unknown_survey_text: "Verifique o link ou abra-o novamente a partir do e-mail.",
    unsubscribe_title: "Cancelar inscrição nos e-mails de pesquisa",
    unsubscribe_text: "Você não receberá mais e-mails de pesquisa da nossa parte.",
    unsubscribe_button: "Cancelar inscrição",
    unsubscribed_title: "Sua inscrição foi cancelada",
    unsubscribed_text: "Você nunca mais receberá e-mails de pesquisa da nossa parte.",
    email_prompt: "Clique em um número para responder.",
    email_footer: "Você recebeu este e-mail porque usa {product}.",
    email_unsubscribe: "Cancelar inscrição",
};

const RO: Words = Words {
    tag: "ro",
    survey_title: "Sondaj",
    noscript: "Acest sondaj are nevoie de JavaScript. Activați-l și deschideți din nou linkul.",
    expired_title: "Acest link a expirat",
    expired_text: "Linkurile sondajelor funcționează o perioadă limitată. Vă mulțumim că ați vrut să răspundeți!",
    invalid_title: "Acest link nu funcționează",
    invalid_text: "Este posibil să fi fost trunchiat sau modificat. Deschideți-l din nou din e-mail.",
    answered_title: "Vă mulțumim!",
    answered_text: "Răspunsul dvs. este deja înregistrat.",
    unknown_survey_title: "Acest sondaj nu este disponibil",
    unknown_survey_text: "Verificați linkul sau deschideți-l din nou din e-mail.",
    unsubscribe_title: "Dezabonare de la e-mailurile cu sondaje",
    unsubscribe_text: "Nu veți mai primi de la noi e-mailuri cu sondaje.",
    unsubscribe_button: "Dezabonare",
    unsubscribed_title: "V-ați dezabonat",
    unsubscribed_text: "Nu veți mai primi niciodată de la noi e-mailuri cu sondaje.",
    email_prompt: "Faceți clic pe un număr pentru a răspunde.",
    email_footer: "Primiți acest e-mail pentru că folosiți {product}.",
    email_unsubscribe: "Dezabonare",
};

const RU: Words = Words {
    tag: "ru",
    survey_title: "Опрос",
    noscript: "Для этого опроса нужен JavaScript. Включите его и снова откройте ссылку.",
    expired_title: "Срок действия ссылки истёк",
    expired_text: "Ссылки на опросы действуют ограниченное время. Спасибо, что хотели ответить!",
    invalid_title: "Эта ссылка не работает",
    invalid_text: "Возможно, она обрезана или изменена. Откройте её снова из письма.",
    answered_title: "Спасибо!",
    answered_text: "Ваш ответ уже записан.",
    unknown_survey_title: "Этот опрос недоступен",
    unknown_survey_text: "Проверьте ссылку или снова откройте её из письма.",
    unsubscribe_title: "Отписка от писем с опросами",
    unsubscribe_text: "Вы больше не будете получать от нас письма с опросами.",
    unsubscribe_button: "Отписаться",
    unsubscribed_title: "Вы отписались",
    unsubscribed_text: "Вы больше никогда не получите от нас писем с опросами.",
    email_prompt: "Нажмите на число, чтобы ответить.",
    email_footer: "Вы получили это письмо, потому что пользуетесь {product}.",
    email_unsubscribe: "Отписаться",
};

const SK: Words = Words {
    tag: "sk",
    survey_title: "Prieskum",
    noscript: "Tento prieskum potrebuje JavaScript. Zapnite ho a otvorte odkaz znova.",
    expired_title: "Platnosť tohto odkazu vypršala",
    expired_text: "Odkazy na prieskumy platia obmedzený čas. Ďakujeme, že ste chceli odpovedať!",
    invalid_title: "Tento odkaz nefunguje",
    invalid_text: "Mohol byť skrátený alebo zmenený. Otvorte ho znova z e-mailu.",
    answered_title: "Ďakujeme!",
    answered_text: "Vaša odpoveď už je zaznamenaná.",
    unknown_survey_title: "Tento prieskum nie je dostupný",
    unknown_survey_text: "Skontrolujte odkaz alebo ho otvorte znova z e-mailu.",
    unsubscribe_title: "Odhlásenie z e-mailov s prieskumami",
    unsubscribe_text: "Už vám nebudeme posielať e-maily s prieskumami.",
    unsubscribe_button: "Odhlásiť sa",
    unsubscribed_title: "Ste odhlásení",
    unsubscribed_text: "E-maily s prieskumami vám už nikdy nepošleme.",
    email_prompt: "Kliknutím na číslo odpovedzte.",
    email_footer: "Tento e-mail ste dostali, pretože používate {product}.",
    email_unsubscribe: "Odhlásiť sa",
};

const SL: Words = Words {
    tag: "sl",
    survey_title: "Anketa",
    noscript: "Ta anketa potrebuje JavaScript. Vklopite ga in znova odprite povezavo.",
    expired_title: "Ta povezava je potekla",
    expired_text: "Povezave do anket delujejo omejen čas. Hvala, ker ste želeli odgovoriti!",
    invalid_title: "Ta povezava ne deluje",
    invalid_text:
        "Morda je bila skrajšana ali spremenjena. Znova jo odprite iz e-poštnega sporočila.",
    answered_title: "Hvala!",
    answered_text: "Vaš odgovor je že zabeležen.",
    unknown_survey_title: "Ta anketa ni na voljo",
    unknown_survey_text: "Preverite povezavo ali jo znova odprite iz e-poštnega sporočila.",
    unsubscribe_title: "Odjava od e-poštnih sporočil z anketami",
    unsubscribe_text: "Od nas ne boste več prejemali e-poštnih sporočil z anketami.",
    unsubscribe_button: "Odjava",
    unsubscribed_title: "Odjavljeni ste",
    unsubscribed_text: "Od nas nikoli več ne boste prejeli e-poštnih sporočil z anketami.",
    email_prompt: "Kliknite številko, da odgovorite.",
    email_footer: "To sporočilo ste prejeli, ker uporabljate {product}.",
    email_unsubscribe: "Odjava",
};

const SR: Words = Words {
    tag: "sr",
    survey_title: "Анкета",
    noscript: "Ова анкета захтева JavaScript. Укључите га и поново отворите линк.",
    expired_title: "Овај линк је истекао",
    expired_text: "Линкови за анкете важе ограничено време. Хвала што сте желели да одговорите!",
    invalid_title: "Овај линк не ради",
    invalid_text: "Можда је скраћен или измењен. Поново га отворите из имејла.",
    answered_title: "Хвала!",
    answered_text: "Ваш одговор је већ забележен.",
    unknown_survey_title: "Ова анкета није доступна",
    unknown_survey_text: "Проверите линк или га поново отворите из имејла.",
    unsubscribe_title: "Одјава са имејлова са анкетама",
    unsubscribe_text: "Више нећете добијати имејлове са анкетама од нас.",
    unsubscribe_button: "Одјави ме",
    unsubscribed_title: "Одјављени сте",
    unsubscribed_text: "Никада више нећете добити имејлове са анкетама од нас.",
    email_prompt: "Кликните на број да бисте одговорили.",
    email_footer: "Овај имејл сте добили зато што користите {product}.",
    email_unsubscribe: "Одјави ме",
};

const SV: Words = Words {
    tag: "sv",
    survey_title: "Enkät",
    noscript: "Den här enkäten kräver JavaScript. Slå på det och öppna länken igen.",
    expired_title: "Den här länken har gått ut",
    expired_text: "Enkätlänkar fungerar under en begränsad tid. Tack för att du ville svara!",
    invalid_title: "Den här länken fungerar inte",
    invalid_text: "Den kan ha kortats eller ändrats. Öppna den igen från e-postmeddelandet.",
    answered_title: "Tack!",
    answered_text: "Ditt svar är redan registrerat.",
    unknown_survey_title: "Den här enkäten är inte tillgänglig",
    unknown_survey_text: "Kontrollera länken eller öppna den igen från e-postmeddelandet.",
    unsubscribe_title: "Avregistrera dig från enkätmejl",
    unsubscribe_text: "Du kommer inte längre att få enkätmejl från oss.",
    unsubscribe_button: "Avregistrera",
    unsubscribed_title: "Du är avregistrerad",
    unsubscribed_text: "Du kommer aldrig mer att få enkätmejl från oss.",
    email_prompt: "Klicka på en siffra för att svara.",
    email_footer: "Du får det här mejlet eftersom du använder {product}.",
    email_unsubscribe: "Avregistrera",
};

const TH: Words = Words {
    tag: "th",
    survey_title: "แบบสำรวจ",
    noscript: "แบบสำรวจนี้ต้องใช้ JavaScript โปรดเปิดใช้งานแล้วเปิดลิงก์อีกครั้ง",
    expired_title: "ลิงก์นี้หมดอายุแล้ว",
    expired_text: "ลิงก์แบบสำรวจใช้งานได้ในเวลาจำกัด ขอบคุณที่ตั้งใจจะตอบ!",
    invalid_title: "ลิงก์นี้ใช้งานไม่ได้",
    invalid_text: "ลิงก์อาจถูกตัดหรือถูกแก้ไข โปรดเปิดอีกครั้งจากอีเมล",
    answered_title: "ขอบคุณ!",
    answered_text: "เราบันทึกคำตอบของคุณไว้แล้ว",
    unknown_survey_title: "แบบสำรวจนี้ไม่พร้อมใช้งาน",
    unknown_survey_text: "โปรดตรวจสอบลิงก์ หรือเปิดอีกครั้งจากอีเมล",
    unsubscribe_title: "ยกเลิกการรับอีเมลแบบสำรวจ",
    unsubscribe_text: "คุณจะไม่ได้รับอีเมลแบบสำรวจจากเราอีกต่อไป",
    unsubscribe_button: "ยกเลิกการรับ",
    unsubscribed_title: "คุณยกเลิกการรับแล้ว",
    unsubscribed_text: "คุณจะไม่ได้รับอีเมลแบบสำรวจจากเราอีก",
    email_prompt: "คลิกตัวเลขเพื่อตอบ",
    email_footer: "คุณได้รับอีเมลนี้เพราะคุณใช้ {product}",
    email_unsubscribe: "ยกเลิกการรับ",
};

const TR: Words = Words {
    tag: "tr",
    survey_title: "Anket",
    noscript: "Bu anket JavaScript gerektirir. Lütfen etkinleştirip bağlantıyı yeniden açın.",
    expired_title: "Bu bağlantının süresi doldu",
    expired_text:
        "Anket bağlantıları sınırlı bir süre çalışır. Yanıt vermek istediğiniz için teşekkürler!",
    invalid_title: "Bu bağlantı çalışmıyor",
    invalid_text: "Kesilmiş ya da değiştirilmiş olabilir. Lütfen e-postadan yeniden açın.",
    answered_title: "Teşekkürler!",
    answered_text: "Yanıtınız zaten kaydedildi.",
    unknown_survey_title: "Bu anket kullanılamıyor",
    unknown_survey_text: "Lütfen bağlantıyı kontrol edin veya e-postadan yeniden açın.",
    unsubscribe_title: "Anket e-postalarından çık",
    unsubscribe_text: "Artık bizden anket e-postası almayacaksınız.",
    unsubscribe_button: "Abonelikten çık",
    unsubscribed_title: "Abonelikten çıktınız",
    unsubscribed_text: "Bizden bir daha asla anket e-postası almayacaksınız.",
    email_prompt: "Yanıtlamak için bir sayıya tıklayın.",
    email_footer: "Bu e-postayı {product} kullandığınız için aldınız.",
    email_unsubscribe: "Abonelikten çık",
};

const UK: Words = Words {
    tag: "uk",
    survey_title: "Опитування",
    noscript:
        "Для цього опитування потрібен JavaScript. Увімкніть його та знову відкрийте посилання.",
    expired_title: "Термін дії посилання минув",
    expired_text: "Посилання на опитування діють обмежений час. Дякуємо, що хотіли відповісти!",
    invalid_title: "Це посилання не працює",
    invalid_text: "Можливо, його обрізано або змінено. Відкрийте його знову з листа.",
    answered_title: "Дякуємо!",
    answered_text: "Вашу відповідь уже записано.",
    unknown_survey_title: "Це опитування недоступне",
    unknown_survey_text: "Перевірте посилання або знову відкрийте його з листа.",
    unsubscribe_title: "Відписка від листів з опитуваннями",
    unsubscribe_text: "Ви більше не отримуватимете від нас листів з опитуваннями.",
    unsubscribe_button: "Відписатися",
    unsubscribed_title: "Ви відписалися",
    unsubscribed_text: "Ви більше ніколи не отримаєте від нас листів з опитуваннями.",
    email_prompt: "Натисніть на число, щоб відповісти.",
    email_footer: "Ви отримали цей лист, бо користуєтеся {product}.",
    email_unsubscribe: "Відписатися",
};

const UR: Words = Words {
    tag: "ur",
    survey_title: "سروے",
    noscript: "اس سروے کے لیے JavaScript ضروری ہے۔ براہِ کرم اسے آن کریں اور لنک دوبارہ کھولیں۔",
    expired_title: "اس لنک کی میعاد ختم ہو گئی ہے",
    expired_text: "سروے کے لنکس محدود وقت تک کام کرتے ہیں۔ جواب دینا چاہنے کا شکریہ!",
    invalid_title: "یہ لنک کام نہیں کر رہا",
    invalid_text: "ہو سکتا ہے یہ کٹ گیا ہو یا بدل گیا ہو۔ براہِ کرم اسے ای میل سے دوبارہ کھولیں۔",
    answered_title: "شکریہ!",
    answered_text: "آپ کا جواب پہلے ہی محفوظ ہو چکا ہے۔",
    unknown_survey_title: "یہ سروے دستیاب نہیں ہے",
    unknown_survey_text: "براہِ کرم لنک چیک کریں، یا اسے ای میل سے دوبارہ کھولیں۔",
    unsubscribe_title: "سروے ای میلز سے ان سبسکرائب کریں",
    unsubscribe_text: "آپ کو ہماری طرف سے مزید سروے ای میلز نہیں ملیں گی۔",
    unsubscribe_button: "ان سبسکرائب کریں",
    unsubscribed_title: "آپ ان سبسکرائب ہو گئے ہیں",
    unsubscribed_text: "آپ کو ہماری طرف سے دوبارہ کبھی سروے ای میلز نہیں ملیں گی۔",
    email_prompt: "جواب دینے کے لیے کسی نمبر پر کلک کریں۔",
    email_footer: "آپ کو یہ ای میل اس لیے ملی کیونکہ آپ {product} استعمال کرتے ہیں۔",
    email_unsubscribe: "ان سبسکرائب کریں",
};

const VI: Words = Words {
    tag: "vi",
    survey_title: "Khảo sát",
    noscript: "Khảo sát này cần JavaScript. Vui lòng bật JavaScript và mở lại liên kết.",
    expired_title: "Liên kết này đã hết hạn",
    expired_text:
        "Liên kết khảo sát chỉ dùng được trong thời gian có hạn. Cảm ơn bạn đã muốn trả lời!",
    invalid_title: "Liên kết này không hoạt động",
    invalid_text: "Có thể liên kết đã bị cắt ngắn hoặc bị thay đổi. Vui lòng mở lại từ email.",
    answered_title: "Cảm ơn bạn!",
    answered_text: "Câu trả lời của bạn đã được ghi nhận.",
    unknown_survey_title: "Khảo sát này không khả dụng",
    unknown_survey_text: "Vui lòng kiểm tra liên kết hoặc mở lại từ email.",
    unsubscribe_title: "Hủy đăng ký email khảo sát",
    unsubscribe_text: "Bạn sẽ không nhận email khảo sát từ chúng tôi nữa.",
    unsubscribe_button: "Hủy đăng ký",
    unsubscribed_title: "Bạn đã hủy đăng ký",
    unsubscribed_text: "Bạn sẽ không bao giờ nhận email khảo sát từ chúng tôi nữa.",
    email_prompt: "Nhấp vào một số để trả lời.",
    email_footer: "Bạn nhận được email này vì bạn dùng {product}.",
    email_unsubscribe: "Hủy đăng ký",
};

const ZH_CN: Words = Words {
    tag: "zh-CN",
    survey_title: "调查",
    noscript: "此调查需要 JavaScript。请启用后重新打开链接。",
    expired_title: "此链接已过期",
    expired_text: "调查链接仅在有限时间内有效。感谢您愿意作答！",
    invalid_title: "此链接无法使用",
    invalid_text: "链接可能被截断或更改。请从邮件中重新打开。",
    answered_title: "谢谢！",
    answered_text: "您的回答已记录。",
    unknown_survey_title: "此调查不可用",
    unknown_survey_text: "请检查链接，或从邮件中重新打开。",
    unsubscribe_title: "退订调查邮件",
    unsubscribe_text: "您将不再收到我们的调查邮件。",
    unsubscribe_button: "退订",
    unsubscribed_title: "您已退订",
    unsubscribed_text: "您不会再收到我们的调查邮件。",
    email_prompt: "点击一个数字即可作答。",
    email_footer: "您收到此邮件，是因为您在使用 {product}。",
    email_unsubscribe: "退订",
};

const ZH_TW: Words = Words {
    tag: "zh-TW",
    survey_title: "調查",
    noscript: "此問卷需要 JavaScript。請啟用後重新開啟連結。",
    expired_title: "此連結已過期",
    expired_text: "問卷連結僅在有限時間內有效。感謝您願意作答！",
    invalid_title: "此連結無法使用",
    invalid_text: "連結可能被截斷或變更。請從電子郵件重新開啟。",
    answered_title: "謝謝！",
    answered_text: "您的回答已記錄。",
    unknown_survey_title: "此問卷無法使用",
    unknown_survey_text: "請檢查連結，或從電子郵件重新開啟。",
    unsubscribe_title: "取消訂閱問卷郵件",
    unsubscribe_text: "您將不會再收到我們的問卷郵件。",
    unsubscribe_button: "取消訂閱",
    unsubscribed_title: "您已取消訂閱",
    unsubscribed_text: "您不會再收到我們的問卷郵件。",
    email_prompt: "點選一個數字即可作答。",
    email_footer: "您收到這封郵件，是因為您使用 {product}。",
    email_unsubscribe: "取消訂閱",
};

/// Every language's words, in the order of the widget's languages (English first).
const ALL: [&Words; 41] = [
    &EN, &AR, &BG, &CS, &DA, &DE, &EL, &ES, &ET, &FA, &FI, &FR, &HE, &HI, &HR, &HU, &ID, &IT, &JA,
    &KO, &LT, &LV, &MS, &NB, &NL, &PL, &PT, &PT_BR, &RO, &RU, &SK, &SL, &SR, &SV, &TH, &TR, &UK,
    &UR, &VI, &ZH_CN, &ZH_TW,
];

/// The words of the widget's language that best matches `tag` (English when there are none).
pub fn words(tag: &str) -> &'static Words {
    let tag = resolve(tag);
    ALL.iter().find(|w| w.tag == tag).copied().unwrap_or(&EN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nps_widget::core::i18n::LANGUAGES;

    #[test]
    fn every_language_of_the_widget_has_every_word() {
        assert_eq!(ALL.len(), LANGUAGES.len());
        for (words, tag) in ALL.iter().zip(LANGUAGES) {
            assert_eq!(words.tag, tag);
            assert_eq!(super::words(tag).tag, tag);
            let texts = [
                words.noscript,
                words.expired_title,
                words.expired_text,
                words.invalid_title,
                words.invalid_text,
                words.answered_title,
                words.answered_text,
                words.unknown_survey_title,
                words.unknown_survey_text,
                words.unsubscribe_title,
                words.unsubscribe_text,
                words.unsubscribe_button,
                words.unsubscribed_title,
                words.unsubscribed_text,
                words.email_prompt,
                words.email_footer,
                words.email_unsubscribe,
            ];
            for text in texts {
                assert!(!text.trim().is_empty(), "{tag}");
                // Only the email's footer names the product: the collector's pages do not
                // know it.
                assert_eq!(
                    text.contains("{product}"),
                    std::ptr::eq(text, words.email_footer),
                    "{tag}: {text}"
                );
            }
            if tag != "en" {
                assert_ne!(words.unsubscribe_button, EN.unsubscribe_button, "{tag}");
            }
        }
        assert_eq!(super::words("pt_br").tag, "pt-BR");
        assert_eq!(super::words("ar").dir(), "rtl");
        assert_eq!(super::words("xx").tag, "en");
    }
}
