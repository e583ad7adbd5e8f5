"""Given and family names by nationality, written as people write their own names.

Short lists on purpose: many different people share the commonest names (Nguyễn, Hoxha,
Popescu, Smith), as they do in real records, which is what makes linkage hard.
"""

from __future__ import annotations

from random import Random

# group: (male given names, female given names, family names)
NAMES: dict[str, tuple[str, str, str]] = {
    "vn": (
        "Anh Minh Tuấn Hùng Dũng Thắng Hải Long Nam Quang Đức Thành Hoàng Phúc",
        "Lan Hương Mai Linh Ngọc Hoa Thu Trang Huyền Phương Thảo Nhung Hạnh Yến",
        "Nguyễn Nguyễn Nguyễn Trần Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô",
    ),
    "al": (
        "Arben Artan Besnik Dritan Ermal Fatmir Gentian Ilir Klodian Mirel Sokol Erion Elvis",
        "Anila Arta Blerina Dorina Elona Entela Fjona Jonida Klaudia Mimoza Rudina Xhesika",
        "Hoxha Hoxha Shehu Gashi Krasniqi Berisha Kola Leka Dervishi Çela Hysa Marku Meta Dushku",
    ),
    "ro": (
        "Ion Gheorghe Constantin Vasile Alexandru Andrei Marian Florin Ionuț Adrian Cristian",
        "Maria Elena Ioana Andreea Mihaela Florentina Cristina Alina Gabriela Denisa Ștefania",
        "Popescu Popescu Ionescu Popa Stan Dumitru Stoica Gheorghe Rusu Munteanu Lungu Ciobanu",
    ),
    "pl": (
        "Piotr Krzysztof Andrzej Tomasz Paweł Marcin Michał Łukasz Grzegorz Mariusz Dariusz",
        "Anna Katarzyna Małgorzata Agnieszka Joanna Ewa Magdalena Monika Dorota Żaneta",
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański",
    ),
    "uk": (
        "Jack Thomas James Daniel Ryan Connor Liam Kyle Jordan Callum Lewis Reece Jamie Michael",
        "Chloe Jessica Emily Sophie Megan Lauren Hannah Amy Shannon Leah Sarah Emma Kelly Jade",
        "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Walker"
        " Wright Robinson Thompson White Hughes Edwards Green Hall Wood Clarke Turner Cooper",
    ),
    "cn": (
        "Wei Jun Hao Lei Ming Jian Qiang Tao Bin Peng Chao Gang",
        "Xiaoling Mei Yan Li Na Fang Jing Xiu Hui Ying Lan Ping",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Lin Zheng",
    ),
    "ng": (
        "Chinedu Emeka Oluwaseun Tunde Ifeanyi Babatunde Chukwuemeka Segun Obinna Kelechi",
        "Blessing Joy Chioma Ngozi Funmilayo Adaeze Precious Favour Grace Oluwadamilola",
        "Okafor Adeyemi Okonkwo Eze Balogun Ogunleye Nwosu Adebayo Obi Afolabi Chukwu Okoro",
    ),
    "gh": (
        "Kwame Kofi Kwabena Kwaku Yaw Kojo Kwesi Emmanuel",
        "Ama Akosua Abena Adwoa Efua Akua Yaa Esi",
        "Mensah Owusu Boateng Asante Osei Appiah Agyeman Ofori Darko",
    ),
    "sk": (
        "Peter Ján Martin Jozef Marek Milan Tomáš Lukáš Miroslav Ladislav Roman",
        "Mária Jana Zuzana Eva Katarína Lucia Monika Veronika Martina Alžbeta",
        "Horváth Horváth Baláž Kováč Varga Tóth Nagy Oláh Lakatoš Novák Kollár Polák",
    ),
    "lt": (
        "Tomas Mindaugas Darius Andrius Vytautas Giedrius Marius Paulius Saulius Rolandas",
        "Rūta Jurgita Asta Inga Laura Kristina Vilma Lina Edita Rasa",
        "Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus Paulauskas",
    ),
    "lv": (
        "Jānis Andris Mārtiņš Edgars Aigars Raivis Kaspars",
        "Ilze Inese Kristīne Līga Sandra Anna Dace",
        "Bērziņš Kalniņš Ozoliņš Jansons Ozols Liepiņš Krūmiņš",
    ),
    "hu": (
        "László István József Zoltán Gábor Attila Tibor Sándor Csaba",
        "Erzsébet Katalin Anita Krisztina Ildikó Zsuzsanna Mónika Eszter",
        "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Balogh Lakatos",
    ),
    "bg": (
        "Georgi Ivan Dimitar Nikolay Petar Hristo Stoyan Todor",
        "Maria Ivanka Elena Yordanka Desislava Petya Radka Svetla",
        "Ivanov Georgiev Dimitrov Petrov Nikolov Hristov Stoyanov Todorov Asenov",
    ),
    "er": (
        "Yonas Dawit Tesfay Mehari Samuel Filmon Robel Biniam Merhawi",
        "Helen Senait Ruth Luwam Saba Feven Rahel Winta Selam",
        "Tesfaye Haile Gebremedhin Tekle Berhane Kidane Yohannes Mehari Woldemariam Ghebreab",
    ),
    "ar": (
        "Mohamed Ahmed Abdallah Osman Ibrahim Hassan Adam Yousif Mustafa Omar Khalid",
        "Fatima Amna Mariam Sara Huda Samira Aisha Noor Rania",
        "Mohamed Ahmed Abdallah Osman Ibrahim Hassan Elamin Abdelrahman Ali Salih Hussein",
    ),
    "in": (
        "Rajesh Amit Sunil Harpreet Gurpreet Manjit Vijay Sanjay Arjun Rahul Ravi",
        "Priya Sunita Anjali Pooja Harjit Kiran Neha Deepa Rani Simran",
        "Singh Singh Patel Sharma Kumar Gupta Shah Reddy Das Gill Sandhu Chopra",
    ),
    "pk": (
        "Mohammed Imran Bilal Asif Tariq Zahid Naveed Kamran Shahid Usman Adnan",
        "Ayesha Fatima Nazia Shabana Rubina Samina Saima Noreen Bushra Parveen",
        "Khan Khan Ali Hussain Ahmed Rahman Akhtar Iqbal Mahmood Butt Malik Begum Shah",
    ),
    "th": (
        "Somchai Somsak Prasert Anan Niran Surachai",
        "Siriporn Malee Nok Kanya Ploy Suda Wanida Pim",
        "Saetang Srisuk Chaiyaporn Boonmee Wongsa Thongchai Kaewkla",
    ),
    "ph": (
        "Jose Juan Mark Ramon Rodel Jomar",
        "Maria Rosalie Jocelyn Marites Lorna Cristina Analyn",
        "Santos Reyes Cruz Bautista Garcia Mendoza Dela Cruz Villanueva",
    ),
    "pt": (
        "João Paulo Lucas Gabriel Rafael Thiago Bruno Diego",
        "Ana Juliana Camila Fernanda Larissa Beatriz Mariana",
        "Silva Santos Oliveira Souza Pereira Costa Rodrigues Almeida Ferreira",
    ),
    "so": (
        "Abdirahman Mohamed Abdullahi Ahmed Hassan Abdi Yusuf",
        "Hodan Fadumo Amina Sahra Ifrah Hibo",
        "Mohamed Abdi Hassan Ali Farah Hussein Omar Warsame Jama",
    ),
    "af": (
        "Ahmad Mohammad Ali Hamid Naveed Mustafa Rahim Wahid",
        "Fariba Mariam Zahra Nadia Shabnam Freshta",
        "Ahmadi Rahimi Hashimi Noori Mohammadi Karimi Sultani Popal",
    ),
}  # fmt: skip

GROUP_BY_NATIONALITY: dict[str, str] = {
    "Vietnamese": "vn", "Albanian": "al", "Kosovan": "al", "Romanian": "ro", "Moldovan": "ro",
    "Polish": "pl", "UK": "uk", "Irish": "uk", "Jamaican": "uk", "Chinese": "cn",
    "Nigerian": "ng", "Ghanaian": "gh", "Slovak": "sk", "Czech": "sk", "Lithuanian": "lt",
    "Latvian": "lv", "Hungarian": "hu", "Bulgarian": "bg", "Eritrean": "er", "Ethiopian": "er",
    "Sudanese": "ar", "Egyptian": "ar", "Iraqi": "ar", "Syrian": "ar", "Libyan": "ar",
    "Moroccan": "ar", "Indian": "in", "Pakistani": "pk", "Bangladeshi": "pk", "Thai": "th",
    "Filipino": "ph", "Brazilian": "pt", "Portuguese": "pt", "Somali": "so", "Afghan": "af",
    "Iranian": "af",
}  # fmt: skip
# Families of British citizens whose names come from other groups.
UK_HERITAGE: dict[str, float] = {"uk": 0.8, "pk": 0.1, "in": 0.04, "ng": 0.03, "so": 0.03}
FAMILY_NAME_FIRST = frozenset({"vn", "cn", "hu"})  # how the person themself orders names


def name_group(rng: Random, nationality: str) -> str:
    group = GROUP_BY_NATIONALITY.get(nationality, "uk")
    if group == "uk" and nationality == "UK":
        return rng.choices(list(UK_HERITAGE), list(UK_HERITAGE.values()))[0]
    return group


def draw_name(rng: Random, group: str, female: bool) -> tuple[str, str]:
    """A (given name, family name) pair as the person would write it."""
    male, women, families = NAMES[group]
    given = rng.choice((women if female else male).split())
    family = rng.choice(_families(families))
    if group == "vn":
        given = f"{'Thị' if female else 'Văn'} {given}" if rng.random() < 0.6 else given
    if group == "pk" and family == "Begum" and not female:
        family = "Khan"
    return given, feminine(group, family) if female else family


def _families(text: str) -> list[str]:
    return [f.replace("_", " ") for f in text.replace("Dela Cruz", "Dela_Cruz").split()]


def feminine(group: str, family: str) -> str:
    """The form of a family name a woman carries, where the language changes it."""
    if group == "pl" and family.endswith(("ski", "cki", "dzki")):
        return family[:-1] + "a"
    if group == "sk" and family[-1] not in "áa":
        return family + "ová"
    if group == "lt" and family.endswith("ius"):
        return family[:-3] + "ienė"
    if group == "lt" and family.endswith(("as", "is", "us")):
        return family[:-2] + "ienė"
    if group == "lv" and family.endswith("š"):
        return family[:-1] + "a"
    if group == "lv" and family.endswith("s"):
        return family[:-1] + "e"
    if group == "bg" and family.endswith("ov"):
        return family + "a"
    return family


MALE_ALIASES = (
    "Tony", "Andy", "Mike", "Leo", "Max", "Sam", "Ben", "Alex", "Nick", "Danny", "Lucky", "Bobo",
    "Big Man", "Johnny", "Chris", "Eddie", "Rocky", "Sonny",
)  # fmt: skip
FEMALE_ALIASES = (
    "Anna", "Vicky", "Lily", "Kim", "Rosie", "Bella", "Candy", "Sunny", "Jade", "Lulu", "Roxy",
    "Angel", "Sasha", "Tina", "Mimi", "Coco",
)  # fmt: skip
