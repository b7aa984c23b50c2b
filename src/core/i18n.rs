//! Built-in translations of every text in the survey card, and the choice of a language
//! from a BCP-47 tag.
//!
//! Each language is one string: its canonical tag followed by its 15 texts in [`TEXT_KEYS`]
//! order, separated by U+001F. One string per language keeps the wasm data section small
//! (no pointer table per text); a lookup splits it, which costs nothing noticeable for a
//! card that shows a handful of texts.

/// Separator between the fields of a catalog string.
const SEP: char = '\u{1f}';

/// One piece of text in the card.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TextKey {
    /// The NPS question; contains `{product}`.
    Question,
    /// Label under score 0.
    LowLabel,
    /// Label under score 10.
    HighLabel,
    /// Accessible name of one score option; contains `{score}`.
    ScoreLabel,
    /// Follow-up question for scores 0-6.
    FollowUpDetractor,
    /// Follow-up question for scores 7-8.
    FollowUpPassive,
    /// Follow-up question for scores 9-10.
    FollowUpPromoter,
    /// Placeholder of the comment box.
    Placeholder,
    /// Label of the button that sends the comment.
    Send,
    /// Accessible name of the close button.
    Close,
    /// Thank-you message for scores 0-6.
    ThankYouDetractor,
    /// Thank-you message for scores 7-8.
    ThankYouPassive,
    /// Thank-you message for scores 9-10.
    ThankYouPromoter,
    /// Accessible name of the 0-10 scale.
    ScaleLabel,
    /// Default label of the promoters' call to action.
    CtaDefault,
}

/// All keys, in catalog order.
pub const TEXT_KEYS: [TextKey; 15] = [
    TextKey::Question,
    TextKey::LowLabel,
    TextKey::HighLabel,
    TextKey::ScoreLabel,
    TextKey::FollowUpDetractor,
    TextKey::FollowUpPassive,
    TextKey::FollowUpPromoter,
    TextKey::Placeholder,
    TextKey::Send,
    TextKey::Close,
    TextKey::ThankYouDetractor,
    TextKey::ThankYouPassive,
    TextKey::ThankYouPromoter,
    TextKey::ScaleLabel,
    TextKey::CtaDefault,
];

impl TextKey {
    /// The placeholder this text must contain (`{product}` or `{score}`), if any.
    pub fn placeholder(self) -> Option<&'static str> {
        match self {
            TextKey::Question => Some("{product}"),
            TextKey::ScoreLabel => Some("{score}"),
            _ => None,
        }
    }
}

/// A language's texts.
#[derive(Debug)]
pub struct Catalog(&'static str);

impl Catalog {
    fn field(&self, index: usize) -> &'static str {
        self.0.split(SEP).nth(index).unwrap_or("")
    }

    /// Canonical tag, e.g. `"pt-BR"`, `"zh-CN"`, `"en"`.
    pub fn tag(&self) -> &'static str {
        self.field(0)
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(&self) -> bool {
        matches!(self.tag(), "ar" | "fa" | "he" | "ur")
    }

    /// The text for `key`.
    pub fn text(&self, key: TextKey) -> &'static str {
        self.field(key as usize + 1)
    }
}

/// Builds a catalog string from a tag and its texts at compile time.
macro_rules! cat {
    ($tag:literal $(, $text:literal)* $(,)?) => {
        Catalog(concat!($tag $(, "\u{1f}", $text)*))
    };
}

/// Every built-in catalog; English first (the fallback).
static CATALOGS: [Catalog; 41] = [
    cat!(
        "en",
        "How likely are you to recommend {product} to a friend or colleague?",
        "Not at all likely",
        "Extremely likely",
        "{score} out of 10",
        "Thank you! What could we do better?",
        "Thank you! What would make it a 10?",
        "Thank you! What do you love most?",
        "Tell us more (optional)",
        "Send",
        "Close survey",
        "Thank you for your feedback. We will use it to improve.",
        "Thank you for your feedback!",
        "Thank you! We're glad you're enjoying it.",
        "Score from 0 to 10",
        "Leave us a review",
    ),
    cat!(
        "ar",
        "ما مدى احتمال أن توصي صديقًا أو زميلًا باستخدام {product}؟",
        "غير محتمل على الإطلاق",
        "محتمل للغاية",
        "{score} من 10",
        "شكرًا لك! ما الذي يمكننا تحسينه؟",
        "شكرًا لك! ما الذي يجعلك تمنحنا 10؟",
        "شكرًا لك! ما أكثر ما يعجبك؟",
        "أخبرنا بالمزيد (اختياري)",
        "إرسال",
        "إغلاق الاستبيان",
        "شكرًا لك على ملاحظاتك. سنستخدمها لتحسين خدماتنا.",
        "شكرًا لك على ملاحظاتك!",
        "شكرًا لك! يسعدنا أنك تستمتع به.",
        "التقييم من 0 إلى 10",
        "اترك لنا تقييمًا",
    ),
    cat!(
        "bg",
        "Колко вероятно е да препоръчате {product} на приятел или колега?",
        "Изобщо не е вероятно",
        "Изключително вероятно",
        "{score} от 10",
        "Благодарим ви! Какво бихме могли да подобрим?",
        "Благодарим ви! Какво липсва за оценка 10?",
        "Благодарим ви! Какво ви харесва най-много?",
        "Разкажете ни повече (по избор)",
        "Изпрати",
        "Затвори анкетата",
        "Благодарим ви за отзива. Ще го използваме, за да се подобрим.",
        "Благодарим ви за отзива!",
        "Благодарим ви! Радваме се, че сте доволни.",
        "Оценка от 0 до 10",
        "Оставете ни отзив",
    ),
    cat!(
        "cs",
        "Jak pravděpodobné je, že byste {product} doporučili příteli nebo kolegovi?",
        "Vůbec nepravděpodobné",
        "Velmi pravděpodobné",
        "{score} z 10",
        "Děkujeme! Co bychom mohli zlepšit?",
        "Děkujeme! Co chybí k hodnocení 10?",
        "Děkujeme! Co se vám líbí nejvíc?",
        "Řekněte nám víc (nepovinné)",
        "Odeslat",
        "Zavřít průzkum",
        "Děkujeme za zpětnou vazbu. Pomůže nám se zlepšit.",
        "Děkujeme za zpětnou vazbu!",
        "Děkujeme! Jsme rádi, že jste spokojeni.",
        "Hodnocení od 0 do 10",
        "Napište nám recenzi",
    ),
    cat!(
        "da",
        "Hvor sandsynligt er det, at du vil anbefale {product} til en ven eller kollega?",
        "Slet ikke sandsynligt",
        "Meget sandsynligt",
        "{score} ud af 10",
        "Tak! Hvad kunne vi gøre bedre?",
        "Tak! Hvad skulle der til, for at du ville give 10?",
        "Tak! Hvad synes du bedst om?",
        "Fortæl os mere (valgfrit)",
        "Send",
        "Luk undersøgelsen",
        "Tak for din feedback. Vi bruger den til at blive bedre.",
        "Tak for din feedback!",
        "Tak! Det glæder os, at du er tilfreds.",
        "Bedømmelse fra 0 til 10",
        "Skriv en anmeldelse",
    ),
    cat!(
        "de",
        "Wie wahrscheinlich ist es, dass Sie {product} einem Freund oder Kollegen empfehlen?",
        "Überhaupt nicht wahrscheinlich",
        "Äußerst wahrscheinlich",
        "{score} von 10",
        "Vielen Dank! Was könnten wir besser machen?",
        "Vielen Dank! Was fehlt noch zu einer 10?",
        "Vielen Dank! Was gefällt Ihnen am besten?",
        "Erzählen Sie uns mehr (optional)",
        "Senden",
        "Umfrage schließen",
        "Vielen Dank für Ihr Feedback. Wir nutzen es, um uns zu verbessern.",
        "Vielen Dank für Ihr Feedback!",
        "Vielen Dank! Schön, dass es Ihnen gefällt.",
        "Bewertung von 0 bis 10",
        "Bewerten Sie uns",
    ),
    cat!(
        "el",
        "Πόσο πιθανό είναι να προτείνετε το {product} σε έναν φίλο ή συνάδελφο;",
        "Καθόλου πιθανό",
        "Εξαιρετικά πιθανό",
        "{score} στα 10",
        "Ευχαριστούμε! Τι θα μπορούσαμε να βελτιώσουμε;",
        "Ευχαριστούμε! Τι λείπει για να μας βάλετε 10;",
        "Ευχαριστούμε! Τι σας αρέσει περισσότερο;",
        "Πείτε μας περισσότερα (προαιρετικό)",
        "Αποστολή",
        "Κλείσιμο έρευνας",
        "Ευχαριστούμε για τα σχόλιά σας. Θα τα αξιοποιήσουμε για να βελτιωθούμε.",
        "Ευχαριστούμε για τα σχόλιά σας!",
        "Ευχαριστούμε! Χαιρόμαστε που σας αρέσει.",
        "Βαθμολογία από 0 έως 10",
        "Αφήστε μας μια κριτική",
    ),
    cat!(
        "es",
        "¿Qué probabilidad hay de que recomiende {product} a un amigo o colega?",
        "Nada probable",
        "Extremadamente probable",
        "{score} de 10",
        "¡Gracias! ¿Qué podríamos mejorar?",
        "¡Gracias! ¿Qué haría falta para que nos diera un 10?",
        "¡Gracias! ¿Qué es lo que más le gusta?",
        "Cuéntenos más (opcional)",
        "Enviar",
        "Cerrar encuesta",
        "Gracias por sus comentarios. Los usaremos para mejorar.",
        "¡Gracias por sus comentarios!",
        "¡Gracias! Nos alegra que lo esté disfrutando.",
        "Puntuación del 0 al 10",
        "Déjenos una reseña",
    ),
    cat!(
        "et",
        "Kui tõenäoliselt soovitaksite toodet {product} sõbrale või kolleegile?",
        "Üldse mitte tõenäoliselt",
        "Väga tõenäoliselt",
        "{score} 10-st",
        "Aitäh! Mida saaksime paremini teha?",
        "Aitäh! Mida oleks vaja, et annaksite hindeks 10?",
        "Aitäh! Mis teile kõige rohkem meeldib?",
        "Rääkige lähemalt (valikuline)",
        "Saada",
        "Sulge küsitlus",
        "Täname tagasiside eest. Kasutame seda oma töö parandamiseks.",
        "Täname tagasiside eest!",
        "Aitäh! Meil on hea meel, et see teile meeldib.",
        "Hinne skaalal 0–10",
        "Jätke meile arvustus",
    ),
    cat!(
        "fa",
        "چقدر احتمال دارد {product} را به یک دوست یا همکار پیشنهاد کنید؟",
        "اصلاً محتمل نیست",
        "بسیار محتمل",
        "{score} از 10",
        "سپاسگزاریم! چه چیزی را می\u{200c}توانیم بهتر کنیم؟",
        "سپاسگزاریم! چه چیزی باعث می\u{200c}شود به ما 10 بدهید؟",
        "سپاسگزاریم! چه چیزی را بیش از همه دوست دارید؟",
        "بیشتر بگویید (اختیاری)",
        "ارسال",
        "بستن نظرسنجی",
        "از بازخورد شما سپاسگزاریم. از آن برای بهتر شدن استفاده خواهیم کرد.",
        "از بازخورد شما سپاسگزاریم!",
        "سپاسگزاریم! خوشحالیم که از آن راضی هستید.",
        "امتیاز از 0 تا 10",
        "برای ما نظر بنویسید",
    ),
    cat!(
        "fi",
        "Kuinka todennäköisesti suosittelisit tuotetta {product} ystävälle tai kollegalle?",
        "Erittäin epätodennäköistä",
        "Erittäin todennäköistä",
        "{score} kymmenestä",
        "Kiitos! Mitä voisimme tehdä paremmin?",
        "Kiitos! Mitä tarvittaisiin, jotta antaisit 10?",
        "Kiitos! Mistä pidät eniten?",
        "Kerro lisää (valinnainen)",
        "Lähetä",
        "Sulje kysely",
        "Kiitos palautteestasi. Käytämme sitä toimintamme parantamiseen.",
        "Kiitos palautteestasi!",
        "Kiitos! Olemme iloisia, että pidät siitä.",
        "Arvio asteikolla 0–10",
        "Jätä arvostelu",
    ),
    cat!(
        "fr",
        "Quelle est la probabilité que vous recommandiez {product} à un ami ou un collègue\u{a0}?",
        "Pas du tout probable",
        "Extrêmement probable",
        "{score} sur 10",
        "Merci\u{a0}! Que pourrions-nous améliorer\u{a0}?",
        "Merci\u{a0}! Que faudrait-il pour mériter un 10\u{a0}?",
        "Merci\u{a0}! Qu’appréciez-vous le plus\u{a0}?",
        "Dites-nous-en plus (facultatif)",
        "Envoyer",
        "Fermer l’enquête",
        "Merci pour votre avis. Nous l’utiliserons pour nous améliorer.",
        "Merci pour votre avis\u{a0}!",
        "Merci\u{a0}! Nous sommes ravis que cela vous plaise.",
        "Note de 0 à 10",
        "Laissez-nous un avis",
    ),
    cat!(
        "he",
        "עד כמה סביר שתמליצו על {product} לחבר או לעמית?",
        "בכלל לא סביר",
        "סביר מאוד",
        "{score} מתוך 10",
        "תודה! מה נוכל לשפר?",
        "תודה! מה חסר כדי שתתנו 10?",
        "תודה! מה אתם הכי אוהבים?",
        "ספרו לנו עוד (לא חובה)",
        "שליחה",
        "סגירת הסקר",
        "תודה על המשוב. נשתמש בו כדי להשתפר.",
        "תודה על המשוב!",
        "תודה! שמחים לשמוע שאתם נהנים.",
        "ציון מ-0 עד 10",
        "השאירו לנו ביקורת",
    ),
    cat!(
        "hi",
        "आप किसी मित्र या सहकर्मी को {product} की सिफ़ारिश करें, इसकी कितनी संभावना है?",
        "बिल्कुल संभावना नहीं",
        "बहुत अधिक संभावना",
        "10 में से {score}",
        "धन्यवाद! हम क्या बेहतर कर सकते हैं?",
        "धन्यवाद! 10 देने के लिए हमें क्या करना चाहिए?",
        "धन्यवाद! आपको सबसे ज़्यादा क्या पसंद है?",
        "हमें और बताएँ (वैकल्पिक)",
        "भेजें",
        "सर्वे बंद करें",
        "आपकी प्रतिक्रिया के लिए धन्यवाद। हम इसका उपयोग सुधार के लिए करेंगे।",
        "आपकी प्रतिक्रिया के लिए धन्यवाद!",
        "धन्यवाद! हमें ख़ुशी है कि आपको यह पसंद आ रहा है।",
        "0 से 10 तक स्कोर",
        "समीक्षा लिखें",
    ),
    cat!(
        "hr",
        "Koliko je vjerojatno da biste {product} preporučili prijatelju ili kolegi?",
        "Nimalo vjerojatno",
        "Vrlo vjerojatno",
        "{score} od 10",
        "Hvala! Što bismo mogli poboljšati?",
        "Hvala! Što nedostaje za ocjenu 10?",
        "Hvala! Što vam se najviše sviđa?",
        "Recite nam više (neobavezno)",
        "Pošalji",
        "Zatvori anketu",
        "Hvala na povratnim informacijama. Pomoći će nam da budemo bolji.",
        "Hvala na povratnim informacijama!",
        "Hvala! Drago nam je da ste zadovoljni.",
        "Ocjena od 0 do 10",
        "Napišite recenziju",
    ),
    cat!(
        "hu",
        "Mennyire valószínű, hogy ajánlaná a(z) {product} terméket egy barátjának vagy kollégájának?",
        "Egyáltalán nem valószínű",
        "Rendkívül valószínű",
        "10-ből {score}",
        "Köszönjük! Min javíthatnánk?",
        "Köszönjük! Mi hiányzik a 10-es értékeléshez?",
        "Köszönjük! Mit szeret benne a legjobban?",
        "Meséljen többet (nem kötelező)",
        "Küldés",
        "Felmérés bezárása",
        "Köszönjük a visszajelzését. Felhasználjuk a fejlődéshez.",
        "Köszönjük a visszajelzését!",
        "Köszönjük! Örülünk, hogy elégedett.",
        "Értékelés 0-tól 10-ig",
        "Írjon értékelést",
    ),
    cat!(
        "id",
        "Seberapa besar kemungkinan Anda merekomendasikan {product} kepada teman atau kolega?",
        "Sangat tidak mungkin",
        "Sangat mungkin",
        "{score} dari 10",
        "Terima kasih! Apa yang bisa kami tingkatkan?",
        "Terima kasih! Apa yang perlu kami lakukan agar Anda memberi nilai 10?",
        "Terima kasih! Apa yang paling Anda sukai?",
        "Ceritakan lebih lanjut (opsional)",
        "Kirim",
        "Tutup survei",
        "Terima kasih atas masukan Anda. Kami akan menggunakannya untuk menjadi lebih baik.",
        "Terima kasih atas masukan Anda!",
        "Terima kasih! Kami senang Anda menyukainya.",
        "Skor dari 0 hingga 10",
        "Beri kami ulasan",
    ),
    cat!(
        "it",
        "Con quale probabilità consiglierebbe {product} a un amico o a un collega?",
        "Per niente probabile",
        "Estremamente probabile",
        "{score} su 10",
        "Grazie! Cosa potremmo migliorare?",
        "Grazie! Cosa servirebbe per meritare un 10?",
        "Grazie! Cosa apprezza di più?",
        "Ci dica di più (facoltativo)",
        "Invia",
        "Chiudi sondaggio",
        "Grazie per il suo feedback. Lo useremo per migliorare.",
        "Grazie per il suo feedback!",
        "Grazie! Siamo felici che le piaccia.",
        "Punteggio da 0 a 10",
        "Lasci una recensione",
    ),
    cat!(
        "ja",
        "{product}を友人や同僚に薦める可能性はどのくらいありますか？",
        "まったく可能性がない",
        "非常に可能性が高い",
        "10点中{score}点",
        "ありがとうございます！どのような点を改善すればよいでしょうか？",
        "ありがとうございます！10点にするには何が必要でしょうか？",
        "ありがとうございます！特に気に入っている点は何ですか？",
        "詳しくお聞かせください（任意）",
        "送信",
        "アンケートを閉じる",
        "フィードバックをありがとうございます。今後の改善に活用させていただきます。",
        "フィードバックをありがとうございます！",
        "ありがとうございます！ご満足いただけて嬉しいです。",
        "0〜10点で評価",
        "レビューを書く",
    ),
    cat!(
        "ko",
        "{product}, 친구나 동료에게 추천하실 가능성은 얼마나 되나요?",
        "전혀 가능성 없음",
        "매우 가능성 높음",
        "10점 중 {score}점",
        "감사합니다! 어떤 점을 개선하면 좋을까요?",
        "감사합니다! 10점이 되려면 무엇이 필요할까요?",
        "감사합니다! 가장 마음에 드는 점은 무엇인가요?",
        "자세히 알려 주세요(선택 사항)",
        "보내기",
        "설문 닫기",
        "의견을 보내 주셔서 감사합니다. 더 나은 서비스를 위해 활용하겠습니다.",
        "의견을 보내 주셔서 감사합니다!",
        "감사합니다! 만족하신다니 기쁩니다.",
        "0점부터 10점까지 점수",
        "리뷰 남기기",
    ),
    cat!(
        "lt",
        "Kiek tikėtina, kad rekomenduotumėte {product} draugui ar kolegai?",
        "Visiškai netikėtina",
        "Labai tikėtina",
        "{score} iš 10",
        "Ačiū! Ką galėtume patobulinti?",
        "Ačiū! Ko reikėtų, kad įvertintumėte 10?",
        "Ačiū! Kas jums labiausiai patinka?",
        "Papasakokite daugiau (neprivaloma)",
        "Siųsti",
        "Uždaryti apklausą",
        "Dėkojame už atsiliepimą. Jis padės mums tobulėti.",
        "Dėkojame už atsiliepimą!",
        "Ačiū! Džiaugiamės, kad jums patinka.",
        "Įvertinimas nuo 0 iki 10",
        "Palikite atsiliepimą",
    ),
    cat!(
        "lv",
        "Cik ticams, ka jūs ieteiktu {product} draugam vai kolēģim?",
        "Nemaz nav ticams",
        "Ļoti ticams",
        "{score} no 10",
        "Paldies! Ko mēs varētu uzlabot?",
        "Paldies! Kas būtu vajadzīgs, lai jūs dotu 10?",
        "Paldies! Kas jums patīk visvairāk?",
        "Pastāstiet vairāk (nav obligāti)",
        "Nosūtīt",
        "Aizvērt aptauju",
        "Paldies par jūsu atsauksmi. Mēs to izmantosim, lai pilnveidotos.",
        "Paldies par jūsu atsauksmi!",
        "Paldies! Mēs priecājamies, ka jums tas patīk.",
        "Vērtējums no 0 līdz 10",
        "Atstājiet atsauksmi",
    ),
    cat!(
        "ms",
        "Sejauh manakah kemungkinan anda mengesyorkan {product} kepada rakan atau rakan sekerja?",
        "Sangat tidak mungkin",
        "Sangat mungkin",
        "{score} daripada 10",
        "Terima kasih! Apakah yang boleh kami perbaiki?",
        "Terima kasih! Apakah yang perlu kami lakukan untuk mendapat 10?",
        "Terima kasih! Apakah yang paling anda sukai?",
        "Beritahu kami lebih lanjut (pilihan)",
        "Hantar",
        "Tutup tinjauan",
        "Terima kasih atas maklum balas anda. Kami akan menggunakannya untuk menambah baik.",
        "Terima kasih atas maklum balas anda!",
        "Terima kasih! Kami gembira anda menyukainya.",
        "Skor dari 0 hingga 10",
        "Tulis ulasan",
    ),
    cat!(
        "nb",
        "Hvor sannsynlig er det at du vil anbefale {product} til en venn eller kollega?",
        "Ikke sannsynlig i det hele tatt",
        "Svært sannsynlig",
        "{score} av 10",
        "Takk! Hva kan vi gjøre bedre?",
        "Takk! Hva skal til for at du gir oss 10?",
        "Takk! Hva liker du best?",
        "Fortell oss mer (valgfritt)",
        "Send",
        "Lukk undersøkelsen",
        "Takk for tilbakemeldingen. Vi bruker den til å bli bedre.",
        "Takk for tilbakemeldingen!",
        "Takk! Vi er glade for at du liker det.",
        "Vurdering fra 0 til 10",
        "Skriv en anmeldelse",
    ),
    cat!(
        "nl",
        "Hoe waarschijnlijk is het dat u {product} aanbeveelt aan een vriend of collega?",
        "Helemaal niet waarschijnlijk",
        "Zeer waarschijnlijk",
        "{score} uit 10",
        "Bedankt! Wat kunnen we beter doen?",
        "Bedankt! Wat zou er nodig zijn voor een 10?",
        "Bedankt! Wat vindt u het beste?",
        "Vertel ons meer (optioneel)",
        "Versturen",
        "Enquête sluiten",
        "Bedankt voor uw feedback. We gebruiken deze om ons te verbeteren.",
        "Bedankt voor uw feedback!",
        "Bedankt! Fijn dat het u bevalt.",
        "Score van 0 tot 10",
        "Schrijf een review",
    ),
    cat!(
        "pl",
        "Jak prawdopodobne jest, że polecisz {product} znajomemu lub współpracownikowi?",
        "Bardzo mało prawdopodobne",
        "Bardzo prawdopodobne",
        "{score} na 10",
        "Dziękujemy! Co możemy poprawić?",
        "Dziękujemy! Czego brakuje do oceny 10?",
        "Dziękujemy! Co podoba ci się najbardziej?",
        "Powiedz nam więcej (opcjonalnie)",
        "Wyślij",
        "Zamknij ankietę",
        "Dziękujemy za opinię. Wykorzystamy ją, aby działać lepiej.",
        "Dziękujemy za opinię!",
        "Dziękujemy! Cieszymy się, że ci się podoba.",
        "Ocena od 0 do 10",
        "Wystaw nam opinię",
    ),
    cat!(
        "pt",
        "Qual a probabilidade de recomendar {product} a um amigo ou colega?",
        "Nada provável",
        "Extremamente provável",
        "{score} em 10",
        "Obrigado! O que poderíamos fazer melhor?",
        "Obrigado! O que falta para nos dar um 10?",
        "Obrigado! Do que gosta mais?",
        "Conte-nos mais (opcional)",
        "Enviar",
        "Fechar inquérito",
        "Obrigado pelos seus comentários. Vamos utilizá-los para melhorar.",
        "Obrigado pelos seus comentários!",
        "Obrigado! Ficamos contentes por saber que está a gostar.",
        "Pontuação de 0 a 10",
        "Deixe-nos uma avaliação",
    ),
    cat!(
        "pt-BR",
        "Qual é a probabilidade de você recomendar {product} a um amigo ou colega?",
        "Nada provável",
        "Extremamente provável",
        "{score} de 10",
        "Obrigado! O que podemos melhorar?",
        "Obrigado! O que faria você nos dar nota 10?",
        "Obrigado! Do que você mais gosta?",
        "Conte mais para a gente (opcional)",
        "Enviar",
        "Fechar pesquisa",
        "Obrigado pelo seu feedback. Vamos usá-lo para melhorar.",
        "Obrigado pelo seu feedback!",
        "Obrigado! Ficamos felizes que você esteja gostando.",
        "Nota de 0 a 10",
        "Deixe uma avaliação",
    ),
    cat!(
        "ro",
        "Cât de probabil este să recomandați {product} unui prieten sau coleg?",
        "Deloc probabil",
        "Extrem de probabil",
        "{score} din 10",
        "Mulțumim! Ce am putea îmbunătăți?",
        "Mulțumim! Ce ar trebui să facem ca să ne dați nota 10?",
        "Mulțumim! Ce vă place cel mai mult?",
        "Spuneți-ne mai multe (opțional)",
        "Trimite",
        "Închide sondajul",
        "Vă mulțumim pentru feedback. Îl vom folosi pentru a ne îmbunătăți.",
        "Vă mulțumim pentru feedback!",
        "Mulțumim! Ne bucurăm că vă place.",
        "Notă de la 0 la 10",
        "Lăsați-ne o recenzie",
    ),
    cat!(
        "ru",
        "Насколько вероятно, что вы порекомендуете {product} другу или коллеге?",
        "Крайне маловероятно",
        "Очень вероятно",
        "{score} из 10",
        "Спасибо! Что мы могли бы улучшить?",
        "Спасибо! Чего не хватает до оценки 10?",
        "Спасибо! Что вам нравится больше всего?",
        "Расскажите подробнее (необязательно)",
        "Отправить",
        "Закрыть опрос",
        "Спасибо за отзыв. Мы учтём его, чтобы стать лучше.",
        "Спасибо за отзыв!",
        "Спасибо! Мы рады, что вам нравится.",
        "Оценка от 0 до 10",
        "Оставить отзыв",
    ),
    cat!(
        "sk",
        "Aká je pravdepodobnosť, že by ste {product} odporučili priateľovi alebo kolegovi?",
        "Vôbec nepravdepodobné",
        "Veľmi pravdepodobné",
        "{score} z 10",
        "Ďakujeme! Čo by sme mohli zlepšiť?",
        "Ďakujeme! Čo chýba k hodnoteniu 10?",
        "Ďakujeme! Čo sa vám páči najviac?",
        "Povedzte nám viac (nepovinné)",
        "Odoslať",
        "Zavrieť prieskum",
        "Ďakujeme za spätnú väzbu. Pomôže nám zlepšiť sa.",
        "Ďakujeme za spätnú väzbu!",
        "Ďakujeme! Sme radi, že ste spokojní.",
        "Hodnotenie od 0 do 10",
        "Napíšte nám recenziu",
    ),
    cat!(
        "sl",
        "Kako verjetno je, da bi {product} priporočili prijatelju ali sodelavcu?",
        "Sploh ni verjetno",
        "Zelo verjetno",
        "{score} od 10",
        "Hvala! Kaj bi lahko izboljšali?",
        "Hvala! Kaj manjka do ocene 10?",
        "Hvala! Kaj vam je najbolj všeč?",
        "Povejte nam več (neobvezno)",
        "Pošlji",
        "Zapri anketo",
        "Hvala za povratne informacije. Pomagale nam bodo pri izboljšavah.",
        "Hvala za povratne informacije!",
        "Hvala! Veseli nas, da ste zadovoljni.",
        "Ocena od 0 do 10",
        "Napišite nam mnenje",
    ),
    cat!(
        "sr",
        "Колико је вероватно да бисте {product} препоручили пријатељу или колеги?",
        "Нимало вероватно",
        "Веома вероватно",
        "{score} од 10",
        "Хвала! Шта бисмо могли да побољшамо?",
        "Хвала! Шта недостаје за оцену 10?",
        "Хвала! Шта вам се највише допада?",
        "Реците нам више (опционо)",
        "Пошаљи",
        "Затвори анкету",
        "Хвала на повратним информацијама. Помоћи ће нам да будемо бољи.",
        "Хвала на повратним информацијама!",
        "Хвала! Драго нам је што сте задовољни.",
        "Оцена од 0 до 10",
        "Оставите рецензију",
    ),
    cat!(
        "sv",
        "Hur troligt är det att du skulle rekommendera {product} till en vän eller kollega?",
        "Inte alls troligt",
        "Mycket troligt",
        "{score} av 10",
        "Tack! Vad kan vi göra bättre?",
        "Tack! Vad skulle få dig att ge oss en 10:a?",
        "Tack! Vad uppskattar du mest?",
        "Berätta mer (valfritt)",
        "Skicka",
        "Stäng undersökningen",
        "Tack för din feedback. Vi använder den för att bli bättre.",
        "Tack för din feedback!",
        "Tack! Vi är glada att du uppskattar det.",
        "Betyg från 0 till 10",
        "Skriv en recension",
    ),
    cat!(
        "th",
        "คุณมีแนวโน้มที่จะแนะนำ {product} ให้เพื่อนหรือเพื่อนร่วมงานมากน้อยเพียงใด",
        "ไม่มีแนวโน้มเลย",
        "มีแนวโน้มมากที่สุด",
        "{score} จาก 10",
        "ขอบคุณ! เราควรปรับปรุงด้านใดบ้าง",
        "ขอบคุณ! อะไรจะทำให้คุณให้คะแนน 10",
        "ขอบคุณ! คุณชอบอะไรมากที่สุด",
        "บอกเราเพิ่มเติม (ไม่บังคับ)",
        "ส่ง",
        "ปิดแบบสำรวจ",
        "ขอบคุณสำหรับความคิดเห็น เราจะนำไปปรับปรุงให้ดียิ่งขึ้น",
        "ขอบคุณสำหรับความคิดเห็น!",
        "ขอบคุณ! เรายินดีที่คุณชื่นชอบ",
        "คะแนนตั้งแต่ 0 ถึง 10",
        "เขียนรีวิวให้เรา",
    ),
    cat!(
        "tr",
        "{product} ürününü bir arkadaşınıza veya meslektaşınıza tavsiye etme olasılığınız nedir?",
        "Hiç olası değil",
        "Son derece olası",
        "10 üzerinden {score}",
        "Teşekkürler! Neyi daha iyi yapabiliriz?",
        "Teşekkürler! 10 puan vermeniz için neyi değiştirmeliyiz?",
        "Teşekkürler! En çok neyi seviyorsunuz?",
        "Biraz daha anlatın (isteğe bağlı)",
        "Gönder",
        "Anketi kapat",
        "Geri bildiriminiz için teşekkürler. Kendimizi geliştirmek için kullanacağız.",
        "Geri bildiriminiz için teşekkürler!",
        "Teşekkürler! Beğenmenize çok sevindik.",
        "0 ile 10 arasında puan",
        "Değerlendirme yazın",
    ),
    cat!(
        "uk",
        "Наскільки ймовірно, що ви порекомендуєте {product} другові чи колезі?",
        "Украй малоймовірно",
        "Дуже ймовірно",
        "{score} з 10",
        "Дякуємо! Що ми могли б покращити?",
        "Дякуємо! Чого бракує до оцінки 10?",
        "Дякуємо! Що вам подобається найбільше?",
        "Розкажіть докладніше (необов’язково)",
        "Надіслати",
        "Закрити опитування",
        "Дякуємо за відгук. Ми врахуємо його, щоб стати кращими.",
        "Дякуємо за відгук!",
        "Дякуємо! Ми раді, що вам подобається.",
        "Оцінка від 0 до 10",
        "Залишити відгук",
    ),
    cat!(
        "ur",
        "اس بات کا کتنا امکان ہے کہ آپ کسی دوست یا ساتھی سے {product} کی سفارش کریں گے؟",
        "بالکل امکان نہیں",
        "بہت زیادہ امکان",
        "10 میں سے {score}",
        "شکریہ! ہم کیا بہتر کر سکتے ہیں؟",
        "شکریہ! 10 کے لیے ہمیں کیا بہتر کرنا ہوگا؟",
        "شکریہ! آپ کو سب سے زیادہ کیا پسند ہے؟",
        "مزید بتائیں (اختیاری)",
        "بھیجیں",
        "سروے بند کریں",
        "آپ کی رائے کا شکریہ۔ ہم اسے بہتری کے لیے استعمال کریں گے۔",
        "آپ کی رائے کا شکریہ!",
        "شکریہ! ہمیں خوشی ہے کہ آپ کو یہ پسند آ رہا ہے۔",
        "0 سے 10 تک اسکور",
        "ہمارا جائزہ لکھیں",
    ),
    cat!(
        "vi",
        "Khả năng bạn giới thiệu {product} cho bạn bè hoặc đồng nghiệp là bao nhiêu?",
        "Hoàn toàn không có khả năng",
        "Rất có khả năng",
        "{score} trên 10",
        "Cảm ơn bạn! Chúng tôi có thể cải thiện điều gì?",
        "Cảm ơn bạn! Điều gì sẽ khiến bạn chấm 10 điểm?",
        "Cảm ơn bạn! Bạn thích điều gì nhất?",
        "Cho chúng tôi biết thêm (không bắt buộc)",
        "Gửi",
        "Đóng khảo sát",
        "Cảm ơn phản hồi của bạn. Chúng tôi sẽ dùng nó để cải thiện.",
        "Cảm ơn phản hồi của bạn!",
        "Cảm ơn bạn! Chúng tôi rất vui vì bạn hài lòng.",
        "Điểm từ 0 đến 10",
        "Viết đánh giá cho chúng tôi",
    ),
    cat!(
        "zh-CN",
        "您向朋友或同事推荐{product}的可能性有多大？",
        "完全不可能",
        "极有可能",
        "{score}分（满分10分）",
        "谢谢！我们可以在哪些方面做得更好？",
        "谢谢！怎样才能让您打10分？",
        "谢谢！您最喜欢哪一点？",
        "请告诉我们更多（选填）",
        "发送",
        "关闭调查",
        "感谢您的反馈。我们会据此不断改进。",
        "感谢您的反馈！",
        "谢谢！很高兴您喜欢。",
        "评分范围 0 到 10",
        "给我们写评价",
    ),
    cat!(
        "zh-TW",
        "您向朋友或同事推薦{product}的可能性有多高？",
        "完全不可能",
        "極有可能",
        "{score}分（滿分10分）",
        "謝謝！我們可以在哪些方面做得更好？",
        "謝謝！怎樣才能讓您給10分？",
        "謝謝！您最喜歡哪一點？",
        "請告訴我們更多（選填）",
        "送出",
        "關閉問卷",
        "感謝您的意見回饋。我們會據此持續改進。",
        "感謝您的意見回饋！",
        "謝謝！很高興您喜歡。",
        "評分範圍 0 到 10",
        "為我們留下評論",
    ),
];

/// Every built-in catalog.
pub fn catalogs() -> impl Iterator<Item = &'static Catalog> {
    CATALOGS.iter()
}

/// Lower-cases ASCII and treats '_' as '-', for comparing tags.
fn norm(byte: u8) -> u8 {
    if byte == b'_' {
        b'-'
    } else {
        byte.to_ascii_lowercase()
    }
}

/// Whether two tags are equal, ignoring ASCII case and '_' versus '-'.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| norm(x) == norm(y))
}

/// The catalog whose tag equals `tag` (see [`same`]).
fn find(tag: &str) -> Option<&'static Catalog> {
    CATALOGS.iter().find(|c| same(c.tag(), tag))
}

/// Primary subtags that name another catalog.
const ALIASES: [(&str, &str); 5] = [
    ("no", "nb"),
    ("nn", "nb"),
    ("iw", "he"),
    ("in", "id"),
    ("zh", "zh-CN"),
];

/// Picks the catalog for a BCP-47 tag: exact match (case-insensitive, '_' treated as '-'),
/// then special cases (zh-Hant, zh-TW, zh-HK, zh-MO → zh-TW; zh, zh-Hans, zh-SG, zh-CN →
/// zh-CN; no/nn/nb → nb; pt-PT → pt; iw → he; in → id), then the primary subtag, then English.
pub fn resolve(tag: &str) -> &'static Catalog {
    if let Some(c) = find(tag) {
        return c;
    }
    let mut parts = tag.split(['-', '_']);
    let mut primary = parts.next().unwrap_or("");
    if same(primary, "zh") {
        // The script subtag decides; without one, the region does.
        for part in parts {
            if same(part, "hans") {
                break;
            }
            if same(part, "hant") || same(part, "tw") || same(part, "hk") || same(part, "mo") {
                primary = "zh-TW";
                break;
            }
        }
    }
    for (from, to) in ALIASES {
        if same(primary, from) {
            primary = to;
        }
    }
    find(primary).unwrap_or(&CATALOGS[0])
}

/// Replaces every `placeholder` in `template` with `value` (value inserted as-is, it is plain
/// text). The value is never searched again, so it may itself contain the placeholder.
pub fn fill(template: &str, placeholder: &str, value: &str) -> String {
    let (bytes, pat) = (template.as_bytes(), placeholder.as_bytes());
    let mut out = String::with_capacity(template.len() + value.len());
    let (mut start, mut at) = (0, 0);
    while !pat.is_empty() && at + pat.len() <= bytes.len() {
        if bytes[at..].starts_with(pat) {
            // A match starts and ends on char boundaries: `pat` is valid UTF-8.
            out.push_str(&template[start..at]);
            out.push_str(value);
            at += pat.len();
            start = at;
        } else {
            at += 1;
        }
    }
    out.push_str(&template[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUIRED: [&str; 41] = [
        "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi", "hr",
        "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "nb", "nl", "pl", "pt", "pt-BR", "ro",
        "ru", "sk", "sl", "sr", "sv", "th", "tr", "uk", "vi", "zh-CN", "zh-TW", "ur",
    ];

    #[test]
    fn every_catalog_has_every_text_with_the_right_placeholders() {
        for c in catalogs() {
            assert_eq!(
                c.0.split(SEP).count(),
                16,
                "{}: wrong number of texts",
                c.tag()
            );
            for key in TEXT_KEYS {
                let text = c.text(key);
                assert!(!text.is_empty(), "{} {:?} is empty", c.tag(), key);
                assert_eq!(text.trim(), text, "{} {:?} has outer spaces", c.tag(), key);
                match key.placeholder() {
                    Some(p) => {
                        assert_eq!(text.matches(p).count(), 1, "{} {:?}", c.tag(), key);
                        assert_eq!(text.matches('{').count(), 1, "{} {:?}", c.tag(), key);
                    }
                    None => assert!(!text.contains('{'), "{} {:?} has a brace", c.tag(), key),
                }
            }
        }
    }

    #[test]
    fn keys_are_in_order_with_their_placeholders() {
        for (i, key) in TEXT_KEYS.iter().enumerate() {
            assert_eq!(*key as usize, i);
        }
        assert_eq!(TextKey::Question.placeholder(), Some("{product}"));
        assert_eq!(TextKey::ScoreLabel.placeholder(), Some("{score}"));
        assert_eq!(TextKey::Send.placeholder(), None);
    }

    #[test]
    fn catalogs_are_complete_and_unique() {
        let tags: Vec<&str> = catalogs().map(Catalog::tag).collect();
        assert!(tags.len() >= 40);
        for (i, t) in tags.iter().enumerate() {
            assert!(!tags[..i].contains(t), "duplicate tag {t}");
        }
        for t in REQUIRED {
            assert!(tags.contains(&t), "missing {t}");
        }
        assert_eq!(CATALOGS[0].tag(), "en");
    }

    #[test]
    fn english_is_the_source_text() {
        let en = resolve("en");
        assert_eq!(
            en.text(TextKey::Question),
            "How likely are you to recommend {product} to a friend or colleague?"
        );
        assert_eq!(en.text(TextKey::ScoreLabel), "{score} out of 10");
        assert_eq!(en.text(TextKey::CtaDefault), "Leave us a review");
        assert_eq!(resolve("de").text(TextKey::Send), "Senden");
    }

    #[test]
    fn resolve_picks_the_right_catalog() {
        let cases = [
            ("pt-BR", "pt-BR"),
            ("pt-br", "pt-BR"),
            ("pt_BR", "pt-BR"),
            ("pt-PT", "pt"),
            ("pt", "pt"),
            ("de-AT", "de"),
            ("DE_ch", "de"),
            ("zh", "zh-CN"),
            ("zh-CN", "zh-CN"),
            ("zh-Hans", "zh-CN"),
            ("zh-SG", "zh-CN"),
            ("zh-Hans-TW", "zh-CN"),
            ("zh-Hant", "zh-TW"),
            ("zh-Hant-TW", "zh-TW"),
            ("zh-TW", "zh-TW"),
            ("zh_tw", "zh-TW"),
            ("zh-HK", "zh-TW"),
            ("zh-MO", "zh-TW"),
            ("nn", "nb"),
            ("no", "nb"),
            ("nb-NO", "nb"),
            ("nn-NO", "nb"),
            ("iw", "he"),
            ("iw-IL", "he"),
            ("in", "id"),
            ("sr-RS", "sr"),
            ("en-GB", "en"),
            ("xx", "en"),
            ("", "en"),
            ("-", "en"),
            ("AR", "ar"),
        ];
        for (input, want) in cases {
            assert_eq!(resolve(input).tag(), want, "resolve({input:?})");
        }
        assert!(resolve("AR").is_rtl());
        assert!(resolve("he-IL").is_rtl());
        assert!(resolve("fa").is_rtl());
        assert!(resolve("ur-PK").is_rtl());
        assert!(!resolve("en").is_rtl());
        assert_eq!(catalogs().filter(|c| c.is_rtl()).count(), 4);
    }

    #[test]
    fn fill_replaces_the_placeholder() {
        assert_eq!(fill("{score} out of 10", "{score}", "7"), "7 out of 10");
        assert_eq!(fill("a {x} b {x}", "{x}", "é"), "a é b é");
        assert_eq!(
            fill("{product}{product}", "{product}", "{product}"),
            "{product}{product}"
        );
        assert_eq!(fill("x {p} y", "{p}", "{p}{p}"), "x {p}{p} y");
        assert_eq!(
            fill("no placeholder here", "{product}", "Acme"),
            "no placeholder here"
        );
        assert_eq!(fill("über {p}", "{p}", ""), "über ");
        assert_eq!(fill("abc", "", "z"), "abc");
        assert_eq!(fill("", "{p}", "z"), "");
        let q = resolve("ja").text(TextKey::Question);
        assert_eq!(
            fill(q, "{product}", "Acme"),
            "Acmeを友人や同僚に薦める可能性はどのくらいありますか？"
        );
    }
}
