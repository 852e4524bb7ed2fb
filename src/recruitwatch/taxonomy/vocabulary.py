"""The coded vocabulary every incident uses (the project's taxonomy spec).

Codes are stable identifiers; labels are shown to users in English and Russian; the
definition is the coding rule annotators and the extractor follow.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    label_en: str
    label_ru: str
    definition: str

    def label(self, lang: str = "en") -> str:
        return self.label_ru if lang == "ru" else self.label_en


def _table(*rows: tuple[str, str, str, str]) -> dict[str, Code]:
    return {row[0]: Code(*row) for row in rows}


STATUSES = _table(
    ("foreign_national", "foreign national", "иностранный гражданин",
     "A citizen of another country working or living in Russia (patent, work permit, visa-free stay)."),
    ("residence_permit_holder", "residence permit holder", "обладатель РВП или ВНЖ",
     "Holds a Russian temporary or permanent residence permit (RVP / VNZh) but not citizenship."),
    ("naturalized_citizen", "naturalised citizen", "получивший гражданство РФ",
     "Received Russian citizenship, typically after migrating."),
    ("dual_citizen", "dual citizen", "двойное гражданство",
     "Holds Russian and another citizenship at once."),
    ("student", "student", "студент",
     "In Russia on a study visa or enrolled at a Russian university."),
    ("detainee", "detainee", "заключённый или задержанный",
     "Held in a prison, pre-trial detention, or a deportation / temporary detention centre."),
    ("unknown", "unknown", "неизвестно", "Not stated."),
)

ACTORS = _table(
    ("migration_authority", "migration authority", "миграционные органы",
     "Migration departments of the Interior Ministry, migration centres (e.g. Sakharovo), registration offices."),
    ("military_enlistment_office", "military enlistment office", "военкомат",
     "Military commissariats and their staff."),
    ("defence_ministry_recruiter", "Defence Ministry recruiter", "вербовщик Минобороны",
     "Ministry of Defence contract-service recruitment points and recruiters."),
    ("police", "police", "полиция", "Police officers, raids, document checks."),
    ("security_service", "security service", "спецслужбы (ФСБ)", "FSB and other security agencies."),
    ("investigative_or_court", "investigators, prosecutors or court", "следствие, прокуратура или суд",
     "Investigative Committee, prosecutors, courts."),
    ("prison_service", "prison service", "ФСИН и места содержания",
     "Prison and detention-centre administration."),
    ("private_military_company", "private military company or volunteer formation", "ЧВК или добровольческое формирование",
     "Wagner and similar formations, volunteer battalions."),
    ("employer_or_intermediary", "employer or intermediary", "работодатель или посредник",
     "Employers, job agencies, middlemen, \"law firms\"."),
    ("online_recruiter", "online recruiter", "онлайн-вербовщик",
     "Recruiters reaching people through social media, messengers, calls, ads."),
    ("other_official", "other official", "иное должностное лицо", "Any other state official or body."),
)

TACTICS = _table(
    ("summons_at_state_office", "summons at a state office", "повестка в госучреждении",
     "A call-up notice or pressure to enlist delivered while the person visits a state office for another purpose "
     "(migration registration, citizenship oath, passport pickup, work-permit renewal)."),
    ("raid_or_document_check", "raid or document check", "рейд или проверка документов",
     "Raids on workplaces, dormitories, markets, mosques or the street, and checks of military registration status."),
    ("document_seizure", "document seizure", "изъятие документов", "Passport or other documents taken or withheld."),
    ("deceptive_paperwork", "deceptive paperwork", "обманные документы",
     "A military contract hidden in or passed off as other paperwork (medical check, patent, employment, registration forms)."),
    ("false_job_offer", "false job offer", "ложное предложение работы",
     "A civilian job (construction, driver, guard, cook) that turns into military service."),
    ("citizenship_promise", "citizenship promise", "обещание гражданства",
     "Fast-track Russian citizenship or residence offered for signing."),
    ("financial_incentive", "financial incentive", "денежное вознаграждение",
     "Money, bonuses, salary, debt or loan forgiveness offered for signing."),
    ("threat_of_prosecution", "threat of prosecution", "угроза уголовного преследования",
     "Threats of criminal cases (drugs, extremism, evasion) or prosecution used as pressure."),
    ("threat_to_status", "threat to legal status", "угроза статусу",
     "Threats of deportation, entry bans, refusal or revocation of citizenship or residence, of the person or family."),
    ("detention_pressure", "pressure in detention", "давление под стражей",
     "Pressure applied while the person is held in custody of any kind (police station or cell, temporary detention "
     "facility, pre-trial detention, prison, deportation centre), including offers of release for signing."),
    ("physical_violence", "physical violence", "физическое насилие", "Beatings, torture, physical force."),
    ("disregard_of_medical_unfitness", "disregard of medical unfitness", "игнорирование негодности по здоровью",
     "Ignoring disability or medical conditions that exempt from service."),
    ("recruitment_drive", "recruitment drive", "вербовочная кампания",
     "Organised recruitment aimed at migrants: recruitment stations at migration centres, tents in the metro, "
     "mosque or diaspora campaigns."),
    ("online_or_phone_solicitation", "online or phone solicitation", "вербовка через интернет или по телефону",
     "Advertising, messages or phone calls offering contracts."),
)

OUTCOMES = _table(
    ("refused", "refused", "отказался", "The person refused to sign or enlist."),
    ("evaded_or_left", "evaded or left", "уклонился или уехал", "The person left Russia or hid to avoid service."),
    ("signed_contract", "signed a contract", "подписал контракт",
     "The person signed a contract (or was enrolled), with no later fate stated."),
    ("deployed", "deployed", "отправлен на фронт", "Sent to the front or to a military unit."),
    ("killed", "killed", "погиб", "Died in the war."),
    ("wounded", "wounded", "ранен", "Wounded."),
    ("captured", "captured", "попал в плен", "Taken prisoner."),
    ("deserted", "deserted", "дезертировал", "Deserted or fled the unit."),
    ("returned_home", "returned home", "вернулся домой", "Came back to the home country."),
    ("prosecuted_at_home", "prosecuted at home", "преследуется на родине",
     "Charged or convicted in the home country (mercenary laws)."),
    ("deported", "deported", "выдворен", "Deported from Russia."),
    ("unknown", "unknown", "неизвестно", "Not stated."),
)

#: The list fields and single-code fields of an incident, with their tables.
FIELDS: dict[str, dict[str, Code]] = {
    "status": STATUSES,
    "actors": ACTORS,
    "tactics": TACTICS,
    "outcome": OUTCOMES,
}


def label(field: str, code: str, lang: str = "en") -> str:
    """The display label of a code, or the code itself when it is not in the vocabulary."""
    entry = FIELDS.get(field, {}).get(code)
    return entry.label(lang) if entry else code


def is_valid(field: str, code: str) -> bool:
    return code in FIELDS.get(field, {})
