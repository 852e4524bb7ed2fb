"""Synthetic document pages for tests and benchmarks, written for this project.

Every page type the checker knows gets a template of realistic but fictional content: made-up
people, addresses, numbers and dates, with form wording written for recruitwatch in the style of
such documents (it is not copied from any real form). Pages are drawn with Pillow and DejaVu
fonts, then optionally damaged the way scanners and phone cameras damage paper.

Not part of the runtime package: tests import it as ``papergen`` (``tests/`` is on the path under
pytest), benchmarks add ``tests/`` to ``sys.path``. Nothing under ``src/`` may import it.

    >>> from papergen import generate_pages
    >>> for page in generate_pages(seed=1, per_type=2, damage="photo"):
    ...     page.image.save(f"{page.type}-{page.index}.jpg")
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from recruitwatch.papercheck.results import PAGE_TYPES

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
A4_MM = (210, 297)

# -- fictional people and places -------------------------------------------------------------

SURNAMES = ["Каримов", "Рахимов", "Юсупов", "Назаров", "Турсунов", "Ахмедов", "Саидов", "Бобоев", "Исмаилов",
            "Жумабаев", "Абдуллаев", "Мамадалиев", "Эргашев", "Холматов", "Садыков", "Усманов", "Шарипов",
            "Токтогулов", "Нурланов", "Сейткали", "Оморов", "Давлатов", "Мирзоев", "Кенжаев"]
NAMES = ["Азиз", "Бахтиёр", "Далер", "Фаррух", "Жасур", "Улугбек", "Шухрат", "Рустам", "Тимур", "Нурлан",
         "Айбек", "Эркин", "Бекзод", "Сухроб", "Манучехр", "Алишер", "Ерлан", "Азамат", "Кайрат", "Фирдавс"]
PATRONYMICS = ["Алишерович", "Рустамович", "Каримович", "Бахромович", "Насруллоевич", "Маратович",
               "Шавкатович", "Абдурахмонович", "Ильхомович", "Тураевич", "Бакытович", "Ерланович"]
COUNTRIES = ["Республика Узбекистан", "Республика Таджикистан", "Кыргызская Республика", "Республика Казахстан"]
CITIES = ["г. Москва", "г. Санкт-Петербург", "г. Екатеринбург", "г. Новосибирск", "г. Казань", "г. Подольск",
          "г. Красноярск", "г. Самара"]
STREETS = ["ул. Садовая", "ул. Заречная", "ул. Лесная", "пр-т Строителей", "ул. Полевая", "ул. Южная",
           "ул. Мира", "ул. Рябиновая", "Кольцевой пр.", "ул. Школьная"]
BIRTHPLACES = ["г. Самарканд", "г. Худжанд", "г. Ош", "г. Андижан", "г. Куляб", "г. Наманган", "г. Шымкент",
               "г. Джалал-Абад", "г. Бухара", "г. Турсунзаде"]
COMPANIES = ['ООО "СтройМонтаж-Плюс"', 'ООО "Северный двор"', 'ООО "ТрансЛогистик"', 'АО "Городские сети"',
             'ООО "Чистый квартал"', 'ООО "Альфа-Склад"', 'ИП Гончаров В. П.']
JOBS = ["подсобный рабочий", "водитель погрузчика", "кладовщик", "штукатур", "монтажник", "уборщик территории",
        "курьер", "повар", "сварщик"]
MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря"]


@dataclass(slots=True)
class Person:
    surname: str
    name: str
    patronymic: str
    born: date
    birthplace: str
    country: str
    passport: str
    address: str
    phone: str

    @property
    def full(self) -> str:
        return f"{self.surname} {self.name} {self.patronymic}"

    @property
    def short(self) -> str:
        return f"{self.surname} {self.name[0]}. {self.patronymic[0]}."


def make_person(rng: random.Random) -> Person:
    born = date(1975, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
    address = f"{rng.choice(CITIES)}, {rng.choice(STREETS)}, д. {rng.randint(1, 140)}, кв. {rng.randint(1, 300)}"
    return Person(rng.choice(SURNAMES), rng.choice(NAMES), rng.choice(PATRONYMICS), born, rng.choice(BIRTHPLACES),
                  rng.choice(COUNTRIES), f"{rng.choice('ABKFN')}{rng.choice('ACDNT')} {rng.randint(1000000, 9999999)}",
                  address, f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}")


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _long(day: date) -> str:
    return f"«{day.day:02d}» {MONTHS[day.month - 1]} {day.year} г."


def _recent(rng: random.Random) -> date:
    return date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1000))


# -- blocks of a page ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DrawnLine:
    """A line of text as drawn: its text, its box (left, top, right, bottom) in pixels, its font size
    and the height of its baseline, in pixels."""

    text: str
    box: tuple[int, int, int, int]
    size: int
    baseline: int


def _box(bbox) -> tuple[int, int, int, int]:
    return tuple(round(v) for v in bbox)  # type: ignore[return-value]


@dataclass(slots=True)
class Block:
    style: str  # title, subtitle, para, small, field, boxes, sign, right, gap
    text: str = ""
    value: str = ""


@dataclass(slots=True)
class PageSpec:
    type: str
    blocks: list[Block]

    @property
    def text(self) -> str:
        lines = []
        for b in self.blocks:
            if b.style == "gap":
                lines.append("")
            elif b.style in ("field", "boxes", "sign"):
                lines.append(f"{b.text} {b.value}".strip())
            else:
                lines.append(b.text)
        return "\n".join(lines)


T = Block  # short alias for templates


def _contract(rng: random.Random, p: Person) -> list[Block]:
    signed = _recent(rng)
    years = rng.choice(["один год", "1 (один) год", "два года", "три года"])
    unit = f"{rng.randint(10000, 99999)}"
    officer = make_person(rng)
    if rng.random() < 0.6:  # first sheet
        blocks = [
            T("right", "Приложение № 1 к Положению о порядке прохождения военной службы"),
            T("title", "КОНТРАКТ"),
            T("subtitle", "о прохождении военной службы"),
            T("para", f"{rng.choice(CITIES)}" + " " * 10 + _long(signed)),
            T("para", f"Гражданин (иностранный гражданин) {p.full}, {_d(p.born)} года рождения, гражданство: "
                      f"{p.country}, паспорт {p.passport}, с одной стороны, и Российская Федерация в лице "
                      f"Министерства обороны Российской Федерации, от имени которой выступает командир войсковой "
                      f"части {unit} {officer.short}, с другой стороны, заключили настоящий контракт о нижеследующем."),
            T("para", f"1. Гражданин (иностранный гражданин) добровольно поступает на военную службу и обязуется "
                      f"проходить военную службу в Вооруженных Силах Российской Федерации в течение {years} "
                      f"на воинских должностях, подлежащих замещению солдатами, матросами, сержантами и "
                      f"старшинами."),
            T("para", "2. Гражданин (иностранный гражданин) обязуется добросовестно исполнять все общие, "
                      "должностные и специальные обязанности военнослужащих, установленные законодательными и "
                      "иными нормативными правовыми актами Российской Федерации, в том числе:"),
            T("para", "а) строго соблюдать Конституцию Российской Федерации и законы Российской Федерации, "
                      "требования общевоинских уставов, беспрекословно выполнять приказы командиров и начальников;"),
            T("para", "б) быть верным принятому обязательству о прохождении военной службы, проходить военную "
                      "службу в воинской части, в том числе в районах проведения специальной военной операции;"),
            T("para", "в) совершенствовать военные знания, беречь вверенные вооружение и военную технику;"),
            T("para", "г) не разглашать сведения, составляющие государственную и военную тайну."),
            T("small", "Контракт вступает в силу со дня его подписания должностным лицом. Срок военной службы по "
                       "контракту исчисляется со дня вступления контракта в силу."),
        ]
    else:  # second sheet: no title, clauses and signatures
        blocks = [
            T("subtitle", "2"),
            T("para", "3. Российская Федерация в лице Министерства обороны Российской Федерации обязуется "
                      "обеспечить соблюдение прав военнослужащего и членов его семьи, включая получение льгот, "
                      "гарантий и компенсаций, установленных законодательством о статусе военнослужащих."),
            T("para", f"4. Денежное довольствие военнослужащего состоит из оклада по воинской должности и оклада "
                      f"по воинскому званию, а также ежемесячных и иных дополнительных выплат. Единовременная "
                      f"выплата при поступлении составляет {rng.randint(19, 40) * 10000} рублей."),
            T("para", "5. Права и обязанности военнослужащих, не предусмотренные настоящим контрактом, "
                      "определяются федеральными законами и общевоинскими уставами Вооруженных Сил Российской "
                      "Федерации."),
            T("para", "6. Досрочное увольнение с военной службы в период мобилизации, военного положения и в "
                      "военное время не допускается, за исключением случаев, установленных законом."),
            T("para", "7. Настоящий контракт составлен в двух экземплярах, имеющих одинаковую юридическую силу."),
            T("gap"),
            T("sign", "Военнослужащий (иностранный гражданин)", f"______________ / {p.short} /"),
            T("sign", f"Командир войсковой части {unit}", f"______________ / {officer.short} /"),
            T("para", "М.П." + " " * 20 + _long(signed)),
        ]
    return blocks


def _volunteer(rng: random.Random, p: Person) -> list[Block]:
    signed = _recent(rng)
    name = rng.choice(["«Восток-7»", "«Барс-21»", "«Сокол»", "«Каскад-3»"])
    return [
        T("title", "КОНТРАКТ"),
        T("subtitle", "о пребывании в добровольческом формировании"),
        T("small", "(о добровольном содействии в выполнении задач, возложенных на Вооруженные Силы Российской "
                   "Федерации)"),
        T("para", f"{rng.choice(CITIES)}" + " " * 10 + _long(signed)),
        T("para", f"{p.full}, {_d(p.born)} года рождения, именуемый в дальнейшем «Доброволец», с одной стороны, и "
                  f"Министерство обороны Российской Федерации в лице командира добровольческого формирования "
                  f"{name}, с другой стороны, заключили настоящий контракт."),
        T("para", "1. Доброволец добровольно поступает в добровольческое формирование и обязуется выполнять "
                  f"боевые задачи в составе формирования в течение {rng.choice(['6 (шести) месяцев', 'одного года'])}."),
        T("para", "2. Доброволец подчиняется командиру формирования, соблюдает порядок пребывания в "
                  "формировании и выполняет задачи, возложенные на Вооруженные Силы Российской Федерации."),
        T("para", f"3. Добровольцу выплачивается ежемесячное денежное вознаграждение в размере "
                  f"{rng.randint(19, 30) * 10000} рублей."),
        T("sign", "Доброволец", f"______________ / {p.short} /"),
        T("sign", "Командир формирования", "______________"),
    ]


def _callup(rng: random.Random, p: Person) -> list[Block]:
    when = _recent(rng)
    district = rng.choice(["Южного", "Центрального", "Северного", "Восточного", "Ленинского"])
    reason = rng.choice(["уточнения документов воинского учета", "медицинского освидетельствования",
                         "прохождения призывной комиссии", "отправки к месту прохождения военной службы"])
    number = f"{rng.choice(['МС', 'АБ', 'КР'])} N {rng.randint(100000, 999999)}"
    blocks = [
        T("small", f"Корешок повестки Серия {number}"),
        T("small", f"Повестку на {_d(when)} получил ______________ (подпись)"),
        T("gap"),
        T("subtitle", f"Военный комиссариат {district} района {rng.choice(CITIES)}"),
        T("title", "ПОВЕСТКА"),
        T("subtitle", f"Серия {number}"),
        T("field", "Гражданину", f"{p.full}, {_d(p.born)} г.р."),
        T("field", "проживающему по адресу:", p.address),
        T("para", f"В соответствии с Федеральным законом «О воинской обязанности и военной службе» Вы обязаны "
                  f"явиться {_d(when + timedelta(days=rng.randint(3, 10)))} к {rng.randint(8, 16)} часам "
                  f"{rng.choice(['00', '30'])} минутам в военный комиссариат по адресу: "
                  f"{rng.choice(CITIES)}, {rng.choice(STREETS)}, д. {rng.randint(1, 90)}, кабинет {rng.randint(1, 40)}, "
                  f"для {reason}."),
        T("para", "При себе иметь: паспорт гражданина Российской Федерации, военный билет или удостоверение "
                  "гражданина, подлежащего призыву на военную службу, настоящую повестку."),
        T("small", "При неявке без уважительной причины Вы несете ответственность в соответствии с "
                   "законодательством Российской Федерации."),
        T("sign", "Военный комиссар", "______________ М.П."),
    ]
    if rng.random() < 0.3:
        blocks.insert(6, T("para", "по мобилизации на основании Указа Президента Российской Федерации"))
    return blocks


def _application(rng: random.Random, p: Person) -> list[Block]:
    post = rng.choice(["стрелок", "водитель", "механик-водитель", "гранатометчик", "связист"])
    if rng.random() < 0.5:
        return [
            T("right", f"Начальнику пункта отбора на военную службу по контракту {rng.choice(CITIES)}"),
            T("right", f"от {p.full}, {_d(p.born)} г.р."),
            T("title", "ЗАЯВЛЕНИЕ"),
            T("para", f"Прошу рассмотреть мою кандидатуру для поступления на военную службу по контракту на "
                      f"воинскую должность «{post}» сроком на {rng.choice(['1 год', '2 года', '3 года'])}."),
            T("para", f"Гражданство: {p.country}. Паспорт {p.passport}. Адрес: {p.address}. Телефон {p.phone}."),
            T("para", "К заявлению прилагаю: копию паспорта, автобиографию, анкету поступающего на военную службу "
                      "по контракту, фотографии 9x12, копии документов об образовании."),
            T("para", "С порядком профессионального психологического отбора и медицинского освидетельствования "
                      "ознакомлен."),
            T("sign", _long(_recent(rng)), f"______________ / {p.short} /"),
        ]
    return [
        T("title", "АНКЕТА"),
        T("subtitle", "гражданина (иностранного гражданина), поступающего на военную службу по контракту"),
        T("field", "1. Фамилия, имя, отчество", p.full),
        T("field", "2. Дата и место рождения", f"{_d(p.born)}, {p.birthplace}"),
        T("field", "3. Гражданство", p.country),
        T("field", "4. Образование", rng.choice(["среднее", "среднее профессиональное", "неполное среднее"])),
        T("field", "5. Проходил ли военную службу (где, когда)", rng.choice(["нет", "да, 2015-2016"])),
        T("field", "6. Желаемая воинская должность", post),
        T("field", "7. Воинское звание (при наличии)", "нет"),
        T("field", "8. Адрес места жительства", p.address),
        T("field", "9. Контактный телефон", p.phone),
        T("para", "Сведения, указанные в анкете, подтверждаю. На обработку персональных данных согласен."),
        T("sign", "Подпись кандидата", "______________"),
    ]


def _vvk(rng: random.Random, p: Person) -> list[Block]:
    cat = rng.choice(["А-1", "Б-3", "Б-4", "В"])
    text = {"А": "годен к военной службе", "Б": "годен к военной службе с незначительными ограничениями",
            "В": "ограниченно годен к военной службе"}[cat[0]]
    return [
        T("subtitle", f"Военный комиссариат {rng.choice(CITIES)}"),
        T("title", "ЗАКЛЮЧЕНИЕ"),
        T("subtitle", "военно-врачебной комиссии (ВВК)"),
        T("field", "Освидетельствуемый", f"{p.full}, {_d(p.born)} г.р."),
        T("field", "Цель освидетельствования", "определение категории годности к военной службе по контракту"),
        T("field", "Диагноз", rng.choice(["здоров", "миопия слабой степени обоих глаз", "плоскостопие I степени"])),
        T("para", f"На основании статьи {rng.randint(13, 88)} графы I Расписания болезней признан: «{cat}» — {text}."),
        T("field", "Показатель предназначения", str(rng.randint(1, 4))),
        T("field", "Категория годности", cat),
        T("sign", "Председатель военно-врачебной комиссии", "______________"),
        T("sign", "Секретарь комиссии", "______________"),
        T("para", f"{_d(_recent(rng))}" + " " * 10 + "М.П."),
    ]


def _boxes(label: str, value: str) -> Block:
    return Block("boxes", label, value.upper())


def _arrival(rng: random.Random, p: Person) -> list[Block]:
    host = make_person(rng)
    return [
        T("right", "Приложение № 4 к Административному регламенту"),
        T("title", "УВЕДОМЛЕНИЕ"),
        T("subtitle", "о прибытии иностранного гражданина или лица без гражданства в место пребывания"),
        T("small", "1. Сведения о лице, подлежащем постановке на учет по месту пребывания"),
        _boxes("Фамилия", p.surname), _boxes("Имя", p.name), _boxes("Отчество", p.patronymic),
        _boxes("Гражданство, подданство", p.country.split()[-1]),
        _boxes("Дата рождения", _d(p.born)),
        _boxes("Документ, удостоверяющий личность", p.passport),
        _boxes("Цель въезда", rng.choice(["работа", "частная"])),
        _boxes("Профессия", rng.choice(JOBS)),
        _boxes("Дата въезда", _d(_recent(rng))),
        _boxes("Миграционная карта", f"{rng.randint(4500, 4699)} {rng.randint(1000000, 9999999)}"),
        _boxes("Заявленный срок пребывания до", _d(_recent(rng) + timedelta(days=90))),
        T("small", "2. Сведения о месте пребывания"),
        _boxes("Адрес", p.address.split(",")[1] if "," in p.address else p.address),
        T("small", "3. Сведения о принимающей стороне"),
        _boxes("Фамилия", host.surname), _boxes("Имя", host.name),
        T("sign", "Принимающая сторона", "______________"),
        T("small", "- - - - - - - - - - - - - - - - линия отрыва - - - - - - - - - - - - - - - -"),
        T("small", f"Отрывная часть бланка уведомления о прибытии. {p.full}. Принято {_d(_recent(rng))}"),
    ]


def _patent(rng: random.Random, p: Person) -> list[Block]:
    return [
        T("right", "В ГУ МВД России по г. Москве"),
        T("title", "ЗАЯВЛЕНИЕ"),
        T("subtitle", "о выдаче (переоформлении) патента"),
        T("small", "иностранному гражданину или лицу без гражданства, прибывшему в Российскую Федерацию в "
                   "порядке, не требующем получения визы"),
        _boxes("Фамилия", p.surname), _boxes("Имя", p.name),
        _boxes("Гражданство", p.country.split()[-1]),
        _boxes("Дата рождения", _d(p.born)),
        _boxes("Паспорт", p.passport),
        _boxes("Миграционная карта", f"{rng.randint(4500, 4699)} {rng.randint(1000000, 9999999)}"),
        _boxes("Профессия", rng.choice(JOBS)),
        _boxes("Территория действия патента", "г. Москва"),
        T("para", "Прошу выдать патент для осуществления трудовой деятельности. Обязуюсь уплачивать налог на доходы "
                  "физических лиц (НДФЛ) в виде фиксированных авансовых платежей."),
        T("sign", _d(_recent(rng)), "______________ (подпись заявителя)"),
    ]


def _employment(rng: random.Random, p: Person) -> list[Block]:
    company = rng.choice(COMPANIES)
    return [
        T("title", "ТРУДОВОЙ ДОГОВОР"),
        T("subtitle", f"№ {rng.randint(10, 990)}-ИГ"),
        T("para", f"{rng.choice(CITIES)}" + " " * 10 + _long(_recent(rng))),
        T("para", f"{company}, именуемое в дальнейшем «Работодатель», в лице генерального директора "
                  f"{make_person(rng).short}, и гражданин {p.country.split()[-1]} {p.full}, именуемый в дальнейшем "
                  f"«Работник», заключили настоящий трудовой договор о нижеследующем."),
        T("para", f"1. Работник принимается на работу на должность «{rng.choice(JOBS)}». Трудовая функция: "
                  f"выполнение работ по заданию руководителя участка."),
        T("para", f"2. Работник осуществляет трудовую деятельность на основании патента серии "
                  f"{rng.randint(10, 99)} № {rng.randint(1000000000, 9999999999)}."),
        T("para", f"3. Работнику устанавливается должностной оклад (заработная плата) в размере "
                  f"{rng.randint(45, 90) * 1000} рублей в месяц. Испытательный срок — {rng.randint(1, 3)} месяца."),
        T("para", "4. Режим рабочего времени: пятидневная рабочая неделя, 40 часов. Работнику предоставляется "
                  "ежегодный оплачиваемый отпуск продолжительностью 28 календарных дней."),
        T("para", f"5. Медицинская помощь предоставляется по полису добровольного медицинского страхования "
                  f"№ {rng.randint(100000, 999999)} (статья 327.2 Трудового кодекса Российской Федерации)."),
        T("sign", "Работодатель", "______________"),
        T("sign", "Работник", f"______________ / {p.short} /"),
    ]


def _medical(rng: random.Random, p: Person) -> list[Block]:
    clinic = rng.choice(["ГБУЗ «Городская поликлиника № 12»", "ГБУЗ «Многопрофильный миграционный центр»",
                         "ООО «Медицинский центр Здоровье»"])
    return [
        T("subtitle", clinic),
        T("title", "МЕДИЦИНСКОЕ ЗАКЛЮЧЕНИЕ"),
        T("subtitle", "о наличии (об отсутствии) инфекционных заболеваний, представляющих опасность для "
                      "окружающих"),
        T("field", "Выдано иностранному гражданину", f"{p.full}, {_d(p.born)} г.р., паспорт {p.passport}"),
        T("para", "По результатам медицинского освидетельствования иностранного гражданина инфекционные "
                  "заболевания, представляющие опасность для окружающих, не выявлены:"),
        T("field", "туберкулез", "не выявлен"), T("field", "сифилис", "не выявлен"),
        T("field", "лепра (болезнь Гансена)", "не выявлена"),
        T("field", "ВИЧ-инфекция", "не выявлена"),
        T("para", "Химико-токсикологическое исследование: факт употребления наркотических средств или психотропных "
                  "веществ не выявлен."),
        T("sign", "Врач-специалист", "______________"),
        T("para", f"Дата выдачи {_d(_recent(rng))}" + " " * 8 + "М.П. медицинской организации"),
    ]


def _fingerprint(rng: random.Random, p: Person) -> list[Block]:
    return [
        T("subtitle", "МИНИСТЕРСТВО ВНУТРЕННИХ ДЕЛ РОССИЙСКОЙ ФЕДЕРАЦИИ"),
        T("title", "ДОКУМЕНТ"),
        T("subtitle", "подтверждающий прохождение обязательной государственной дактилоскопической регистрации и "
                      "фотографирования"),
        T("field", "Фамилия, имя, отчество", p.full),
        T("field", "Дата рождения", _d(p.born)),
        T("field", "Гражданство", p.country),
        T("field", "Регистрационный номер ЦИАДИС-МВД", f"{rng.randint(10 ** 11, 10 ** 12 - 1)}"),
        T("para", "Дактилоскопическая информация (отпечатки пальцев рук) и фотографическое изображение получены и "
                  "внесены в учет. Повторная дактилоскопическая регистрация проводится при изменении данных."),
        T("field", "Дата прохождения", _d(_recent(rng))),
        T("sign", "Должностное лицо", "______________ М.П."),
    ]


def _citizenship(rng: random.Random, p: Person) -> list[Block]:
    if rng.random() < 0.35:
        return [
            T("title", "ПРИСЯГА"),
            T("subtitle", "гражданина Российской Федерации"),
            T("para", "Я, " + p.full + ", добровольно и осознанно принимая гражданство Российской Федерации, "
                      "торжественно клянусь соблюдать Конституцию и законодательство Российской Федерации, права и "
                      "свободы ее граждан, исполнять обязанности гражданина Российской Федерации на благо государства "
                      "и общества, защищать свободу и независимость Российской Федерации, быть верным России, "
                      "уважать ее культуру, историю и традиции."),
            T("gap"),
            T("sign", _d(_recent(rng)), f"______________ / {p.short} /"),
        ]
    return [
        T("right", "В ГУ по вопросам миграции МВД России"),
        T("title", "ЗАЯВЛЕНИЕ"),
        T("subtitle", "о приеме в гражданство Российской Федерации"),
        T("field", "1. Фамилия, имя, отчество (прежние ФИО)", p.full),
        T("field", "2. Дата и место рождения", f"{_d(p.born)}, {p.birthplace}"),
        T("field", "3. Гражданство в настоящее время (прежнее гражданство)", p.country),
        T("field", "4. Имеете ли иное гражданство, вид на жительство", "нет"),
        T("field", "5. Проходите (проходили) ли военную службу в вооруженных силах, органах безопасности или "
                   "правоохранительных органах иностранного государства", rng.choice(["нет", "да, срочная служба"])),
        T("field", "6. Место жительства", p.address),
        T("field", "7. Миграционная карта, вид на жительство", f"{rng.randint(10, 99)} № {rng.randint(1000000, 9999999)}"),
        T("para", "Обязуюсь соблюдать Конституцию и законодательство Российской Федерации. Сведения, указанные в "
                  "заявлении, подтверждаю."),
        T("sign", "Подпись заявителя", "______________"),
    ]


ORGS = ["Правозащитный центр «Дорога»", "Общественная приемная «Мост»", "Юридическая клиника «Право рядом»",
        "Инициативная группа «Свои люди»"]


def _about(rng: random.Random, p: Person) -> list[Block]:
    """Not a paper to sign: a rights group's memo or leaflet that talks about military papers."""
    org = rng.choice(ORGS)
    city = rng.choice(CITIES)
    when = _recent(rng)
    money = rng.randint(19, 40) * 10000
    if rng.random() < 0.5:
        return [
            T("subtitle", f"{org} (вымышленная организация)"),
            T("title", "СПРАВКА"),
            T("subtitle", f"о предложениях заключить контракт иностранным гражданам, {city}"),
            T("para", f"Справка подготовлена по обращениям родственников и рассказам адвокатов. {_long(when)}"),
            T("para", f"{rng.choice(['Недавно', 'В прошлом месяце', 'На этой неделе'])} сотрудники полиции "
                      f"задержали на рынке нескольких мигрантов. В отделе им предложили "
                      f"подписать контракт о прохождении военной службы и обещали выплатить {money} рублей."),
            T("para", f"{p.name}, {rng.randint(22, 45)} лет, рассказал адвокату, что его держали в отделе до утра "
                      f"и говорили, что иначе его выдворят. Он отказался. Двое других подписали бумаги, которые "
                      f"им принесли из пункта отбора на военную службу по контракту, и на следующий день их "
                      f"увезли в воинскую часть."),
            T("para", "По словам родственников, военкомат не ответил на их запросы. Правозащитники направили "
                      "жалобу в прокуратуру и обратились в консульство."),
            T("small", f"Источники: обращения родственников, рассказы адвокатов. Страница 1/{rng.randint(1, 3)}"),
        ]
    return [
        T("subtitle", f"{org} (вымышленная организация)"),
        T("title", "ПАМЯТКА ТРУДОВОМУ МИГРАНТУ"),
        T("subtitle", "Что делать, если вам предлагают военный контракт или вручают повестку"),
        T("para", "В прошлом году мигрантов, которые пришли за патентом, просили подписать пачку бумаг. "
                  "Внутри был контракт о прохождении военной службы. Многие узнали об этом, только когда их "
                  "вызвали в военкомат."),
        T("para", "1. Не подписывайте бумаги, которые вы не понимаете. Попросите переводчика."),
        T("para", "2. Если вам вручают повестку, проверьте, есть ли у вас российское гражданство: иностранцев "
                  "не мобилизуют."),
        T("para", "3. Сфотографируйте все документы. Запомните фамилии сотрудников."),
        T("para", f"4. Обратитесь за правовой помощью: горячая линия {p.phone}, с 9 до 21 часа."),
    ]


def _other(rng: random.Random, p: Person) -> list[Block]:
    kind = rng.randrange(5)
    if kind >= 3:
        return _about(rng, p)
    if kind == 0:
        return [
            T("title", "ДОГОВОР НАЙМА ЖИЛОГО ПОМЕЩЕНИЯ"),
            T("para", f"{rng.choice(CITIES)}" + " " * 10 + _long(_recent(rng))),
            T("para", f"{make_person(rng).full}, именуемый «Наймодатель», и {p.full}, именуемый «Наниматель», "
                      f"заключили договор о предоставлении во временное пользование комнаты по адресу {p.address}."),
            T("para", f"1. Плата за пользование помещением составляет {rng.randint(12, 35)} 000 рублей в месяц и "
                      "вносится не позднее 5 числа."),
            T("para", "2. Наниматель обязуется бережно относиться к имуществу и своевременно оплачивать "
                      "коммунальные услуги."),
            T("sign", "Наймодатель", "______________"), T("sign", "Наниматель", "______________"),
        ]
    if kind == 1:
        return [
            T("subtitle", rng.choice(COMPANIES)),
            T("title", "КВИТАНЦИЯ"),
            T("para", f"Принято от {p.full} {rng.randint(1, 9)} {rng.randint(100, 999)} руб. 00 коп. за "
                      f"оформление документов, перевод и копирование. Контракт на обслуживание № "
                      f"{rng.randint(100, 999)} от {_d(_recent(rng))}."),
            T("field", "Кассир", "______________"),
            T("para", f"Дата {_d(_recent(rng))}. Телефон для справок {p.phone}."),
        ]
    return [
        T("title", "ПАМЯТКА"),
        T("subtitle", "для посетителей общежития"),
        T("para", "1. Проживающие обязаны соблюдать тишину с 23:00 до 7:00."),
        T("para", "2. Курение в комнатах запрещено. Гости допускаются до 21:00 по документу."),
        T("para", f"3. Оплата проживания производится у администратора, телефон {p.phone}."),
        T("para", "4. За утерю ключа взимается штраф 500 рублей."),
    ]


TEMPLATES: dict[str, Callable[[random.Random, Person], list[Block]]] = {
    "military_service_contract": _contract,
    "volunteer_formation_contract": _volunteer,
    "call_up_notice": _callup,
    "contract_service_application": _application,
    "military_medical_commission": _vvk,
    "arrival_notification": _arrival,
    "patent_application": _patent,
    "employment_contract": _employment,
    "medical_certificate": _medical,
    "fingerprint_record": _fingerprint,
    "citizenship_application": _citizenship,
    "other": _other,
}
assert set(TEMPLATES) == set(PAGE_TYPES)


def make_spec(type_: str, rng: random.Random) -> PageSpec:
    return PageSpec(type_, TEMPLATES[type_](rng, make_person(rng)))


# -- drawing ---------------------------------------------------------------------------------

_font_cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    key = (name, size)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(FONT_DIR + name, size)
    return _font_cache[key]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def render(spec: PageSpec, dpi: int = 150, rng: random.Random | None = None,
           placed: list[DrawnLine] | None = None) -> Image.Image:
    """Draw a page as an RGB image of an A4 sheet at ``dpi``.

    ``placed``: a list that receives every line of text drawn and its pixel box (for tests of the
    boxes the paper check draws around deciding phrases).
    """
    rng = rng or random.Random(0)
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    pt = dpi / 72
    serif = rng.random() < 0.6
    regular = "DejaVuSerif.ttf" if serif else "DejaVuSans.ttf"
    bold = "DejaVuSerif-Bold.ttf" if serif else "DejaVuSans-Bold.ttf"
    body_pt = 9.0 if spec.type == "military_service_contract" and rng.random() < 0.5 else rng.uniform(10.5, 12)
    body = _font(regular, round(body_pt * pt))
    small = _font(regular, round(max(8.0, body_pt - 2) * pt))
    title = _font(bold, round(rng.uniform(15, 18) * pt))
    sub = _font(bold if rng.random() < 0.5 else regular, round((body_pt + 1) * pt))
    margin = round(width * rng.uniform(0.07, 0.1))
    text_width = width - 2 * margin
    y = margin
    bottom = height - margin

    def lines_at(lines, font, align="left", left=margin, span=text_width):
        nonlocal y
        step = round(font.size * 1.35)
        for line in lines:
            if y + step > bottom:
                return
            if align == "center":
                x = left + (span - draw.textlength(line, font=font)) / 2
            elif align == "right":
                x = left + span - draw.textlength(line, font=font)
            else:
                x = left
            draw.text((x, y), line, font=font, fill=(20, 20, 20))
            if placed is not None:
                placed.append(DrawnLine(line, _box(draw.textbbox((x, y), line, font=font)), font.size,
                                        round(y + font.getmetrics()[0])))
            y += step

    for block in spec.blocks:
        if y >= bottom:
            break
        if block.style == "title":
            y += round(body.size * 0.5)
            lines_at(_wrap(draw, block.text, title, text_width), title, "center")
        elif block.style == "subtitle":
            lines_at(_wrap(draw, block.text, sub, text_width), sub, "center")
            y += round(body.size * 0.4)
        elif block.style == "right":
            half = text_width // 2
            lines_at(_wrap(draw, block.text, small, half), small, "left", margin + half, half)
        elif block.style in ("para", "small"):
            font = body if block.style == "para" else small
            lines_at(_wrap(draw, block.text, font, text_width), font)
            y += round(font.size * 0.3)
        elif block.style == "field":
            label = block.text.rstrip(":") + ": "
            lines = _wrap(draw, label + block.value, body, text_width)
            top = y
            lines_at(lines, body)
            draw.line((margin + draw.textlength(label, font=body) if len(lines) == 1 else margin, y - 4,
                       margin + text_width, y - 4), fill=(90, 90, 90), width=1)
            y = max(y, top) + round(body.size * 0.2)
        elif block.style == "boxes":
            lines_at([block.text], small)
            cell = round(body.size * 1.25)
            count = max(1, min(len(block.value) + rng.randint(2, 8), text_width // cell))
            if y + cell > bottom:
                break
            for i in range(count):
                x = margin + i * cell
                draw.rectangle((x, y, x + cell, y + cell), outline=(60, 60, 60), width=1)
                if i < len(block.value):
                    ch = block.value[i]
                    draw.text((x + (cell - draw.textlength(ch, font=body)) / 2, y + cell * 0.08), ch,
                              font=body, fill=(25, 25, 90))
            y += cell + round(body.size * 0.5)
        elif block.style == "sign":
            step = round(body.size * 1.8)
            if y + step > bottom:
                break
            top = y + step - body.size * 1.3
            value_x = margin + text_width - draw.textlength(block.value, font=body)
            for x, text in ((margin, block.text), (value_x, block.value)):
                draw.text((x, top), text, font=body, fill=(20, 20, 20))
                if placed is not None:
                    placed.append(DrawnLine(text, _box(draw.textbbox((x, top), text, font=body)), body.size,
                                            round(top + body.getmetrics()[0])))
            y += step
        elif block.style == "gap":
            y += body.size
    return image


# -- damage ----------------------------------------------------------------------------------

DAMAGE_KINDS = ("clean", "scan", "photo")


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert(image.mode)


def _noise(image: Image.Image, rng: random.Random, sigma: float) -> Image.Image:
    gen = np.random.default_rng(rng.randrange(2 ** 32))
    arr = np.asarray(image, dtype=np.float32)
    arr = arr + gen.normal(0, sigma, arr.shape)
    specks = gen.random(arr.shape[:2]) < 0.0015
    arr[specks] = 30
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), image.mode)


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points ``dst`` to input ``src``."""
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=np.float64)
    b = np.array([c for pair in src for c in pair], dtype=np.float64)
    return list(np.linalg.solve(a, b))


def _crop_partial(image: Image.Image, rng: random.Random) -> Image.Image:
    keep = rng.uniform(0.7, 0.9)
    w, h = image.size
    if rng.random() < 0.5:
        return image.crop((0, 0, w, round(h * keep)))
    return image.crop((0, round(h * (1 - keep)), w, h))


def damage(image: Image.Image, rng: random.Random, kind: str = "scan", partial: bool = False) -> Image.Image:
    """Damage a clean page like a flatbed scan or a phone photo."""
    if kind not in DAMAGE_KINDS:
        raise ValueError(f"unknown damage {kind!r}; choose from {DAMAGE_KINDS}")
    if partial:
        image = _crop_partial(image, rng)
    if kind == "clean":
        return image
    if kind == "scan":
        page = image.convert("L")
        if rng.random() < 0.4:  # low-resolution scan (about 100 dpi)
            factor = rng.uniform(0.6, 0.75)
            small = page.resize((round(page.width * factor), round(page.height * factor)), Image.BILINEAR)
            page = small.resize(page.size, Image.BILINEAR) if rng.random() < 0.5 else small
        page = page.rotate(rng.uniform(-3, 3), resample=Image.BICUBIC, expand=True, fillcolor=255)
        page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
        page = _noise(page, rng, rng.uniform(4, 14))
        if rng.random() < 0.15:
            page = page.rotate(180)
        return _jpeg(page, rng.randint(35, 75))
    # phone photo: the sheet on a table, at an angle, in uneven light
    w, h = image.size
    pad = round(max(w, h) * 0.08)
    table = tuple(rng.randint(60, 160) for _ in range(3))
    canvas = Image.new("RGB", (w + 2 * pad, h + 2 * pad), table)
    canvas.paste(image, (pad, pad))
    cw, ch = canvas.size
    jitter = 0.05

    def j(x: float, y: float) -> tuple[float, float]:
        return (x + rng.uniform(-jitter, jitter) * cw, y + rng.uniform(-jitter, jitter) * ch)

    src = [j(pad, pad), j(pad + w, pad), j(pad + w, pad + h), j(pad, pad + h)]
    dst = [(0.06 * cw, 0.06 * ch), (0.94 * cw, 0.06 * ch), (0.94 * cw, 0.94 * ch), (0.06 * cw, 0.94 * ch)]
    photo = canvas.transform(canvas.size, Image.PERSPECTIVE, _perspective_coeffs(dst, src), Image.BICUBIC,
                             fillcolor=table)
    photo = photo.rotate(rng.uniform(-7, 7), resample=Image.BICUBIC, expand=False, fillcolor=table)
    # shadow: a soft gradient darkening one side, plus a warm tint
    gx = np.linspace(0, 1, cw, dtype=np.float32)[None, :]
    gy = np.linspace(0, 1, ch, dtype=np.float32)[:, None]
    a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
    ramp = (a * gx + b * gy)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    light = 1.0 - rng.uniform(0.2, 0.5) * ramp
    tint = np.array([1.0, rng.uniform(0.93, 1.0), rng.uniform(0.82, 0.95)], dtype=np.float32)
    arr = np.asarray(photo, dtype=np.float32) * light[..., None] * tint
    photo = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2)))
    photo = _noise(photo, rng, rng.uniform(3, 10))
    long_side = rng.randint(1700, 2600)
    factor = long_side / max(photo.size)
    photo = photo.resize((round(photo.width * factor), round(photo.height * factor)), Image.BILINEAR)
    turn = rng.random()
    if turn < 0.15:
        photo = photo.rotate(90, expand=True)
    elif turn < 0.25:
        photo = photo.rotate(270, expand=True)
    elif turn < 0.3:
        photo = photo.rotate(180)
    return _jpeg(photo, rng.randint(40, 80))


# -- sets ------------------------------------------------------------------------------------

@dataclass(slots=True)
class GeneratedPage:
    type: str
    index: int
    damage: str
    spec: PageSpec
    image: Image.Image = field(repr=False)
    #: the lines drawn and where (pixels of the clean page; a damaged page has moved them)
    lines: list[DrawnLine] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return self.spec.text


def generate_page(type_: str, seed: int, damage_kind: str = "clean", dpi: int = 150,
                  partial: bool = False, index: int = 0) -> GeneratedPage:
    rng = random.Random(f"{seed}-{type_}-{index}-{damage_kind}")
    spec = make_spec(type_, rng)
    lines: list[DrawnLine] = []
    image = damage(render(spec, dpi, rng, lines), rng, damage_kind, partial)
    return GeneratedPage(type_, index, damage_kind, spec, image, lines)


def generate_pages(seed: int = 0, per_type: int = 3, damage: str | tuple[str, ...] = DAMAGE_KINDS,
                   types: tuple[str, ...] = PAGE_TYPES, dpi: int = 150,
                   partial_share: float = 0.0) -> Iterator[GeneratedPage]:
    """``per_type`` pages of each type (for each damage kind), reproducible from ``seed``."""
    kinds = (damage,) if isinstance(damage, str) else damage
    for type_ in types:
        for kind in kinds:
            for index in range(per_type):
                partial = random.Random(f"{seed}-{type_}-{index}-{kind}-partial").random() < partial_share
                yield generate_page(type_, seed, kind, dpi, partial, index)


def placed_pdf(page: GeneratedPage) -> bytes:
    """A one-page text-layer PDF (fpdf2) with every line of ``page`` where papergen drew it.

    Make the page at ``dpi=72``: one pixel is then one PDF point, so ``page.lines`` say where each
    phrase is in the PDF too.
    """
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=FONT_DIR + "DejaVuSans.ttf")
    pdf.add_page()
    for line in page.lines:
        pdf.set_font("DejaVu", size=line.size)
        pdf.text(line.box[0], line.baseline, line.text)
    return bytes(pdf.output())
