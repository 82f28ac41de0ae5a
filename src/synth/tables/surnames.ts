import { list } from './list.ts';

// Surnames in rough order of frequency in England, mixing the long-established British names
// with those of South Asian, African, Caribbean, Irish, East European and other heritage that a
// national index of today's children holds. A few carry apostrophes, spaces or diacritics
// because real feeds do and matching must cope with them. names.ts adds a synthetic long tail.
export const surnames = list(`
Smith, Jones, Williams, Taylor, Brown, Davies, Evans, Wilson, Thomas, Johnson
Roberts, Robinson, Thompson, Wright, Walker, White, Edwards, Hughes, Green, Hall
Lewis, Harris, Clarke, Patel, Jackson, Wood, Turner, Martin, Cooper, Hill
Ward, Morris, Moore, Clark, Lee, King, Baker, Harrison, Morgan, Allen
James, Scott, Khan, Phillips, Watson, Davis, Parker, Price, Bennett, Young
Griffiths, Mitchell, Kelly, Cook, Carter, Richardson, Bailey, Collins, Bell, Shaw
Murphy, Miller, Cox, Richards, Ali, Marshall, Anderson, Simpson, Ellis, Adams
Singh, Begum, Wilkinson, Foster, Chapman, Powell, Webb, Rogers, Gray, Mason
Hussain, Hunt, Campbell, Matthews, Owen, Palmer, Holmes, Mills, Barnes, Knight
Lloyd, Butler, Russell, Barker, Fisher, Stevens, Jenkins, Ahmed, Murray, Dixon
Harvey, Graham, Pearson, Fletcher, Walsh, Kaur, Gibson, Howard, Andrews, Stewart
Elliott, Reynolds, Saunders, Payne, Fox, Ford, Pearce, Day, Brooks, West
Lawrence, Cole, Atkinson, Bradley, Spencer, Gill, Dawson, Ball, Burton, O'Brien
Watts, Rose, Booth, Perry, Ryan, Grant, Wells, Armstrong, Francis, Rees
Hayes, Hart, Hudson, Newman, Barrett, Webster, Hunter, Gregory, Carr, Lowe
Page, Marsh, Riley, Dunn, Woods, Parsons, Berry, Stone, Reid, Holland
Hawkins, Harding, Porter, Robertson, Newton, Oliver, Reed, Kennedy, Williamson, Bird
Gardner, Shah, Dodd, Bishop, Sutton, Hamilton, Nicholson, Rahman, Islam, Miah
Uddin, Akhtar, Iqbal, Mahmood, Aziz, Malik, Mohamed, Mohammed, Sharma, Kumar
Mistry, Chauhan, Parmar, Joshi, Desai, Mehta, Sandhu, Sidhu, Dhillon, Bains
Nowak, Kowalski, Wójcik, Kowalczyk, Lewandowski, Zieliński, Szymański, Woźniak, Kaminski, Dąbrowski
Okafor, Adeyemi, Okoye, Mensah, Owusu, Boateng, Asante, Osei, Adebayo, Oyelaran
Abdi, Mohamud, Hassan, Ibrahim, Yusuf, Warsame, Farah, Nguyen, Tran, Chen
Wong, Li, Zhang, Wang, Liu, Yilmaz, Demir, Popescu, Ionescu, Silva
Santos, Pereira, Rodrigues, Fernandes, Costa, Da Silva, O'Connor, O'Neill, McDonald, MacDonald
McCarthy, Doherty, Quinn, Byrne, Gallagher, Lynch, Kaya, Hosseini, Ahmadi, Rossi
Ferrari, Garcia, Martinez, Lopez, Gonzalez, Joseph, Samuel, Charles, Henry, Thomson
Chambers, Lambert, Mann, Sharp, Barber, Hopkins, Fowler, Cunningham, Moss, Bryant
Hammond, Jordan, Sanders, Holt, Hicks, Baxter, Douglas, Norris, Farrell, Ross
Bradshaw, Blake, Hurst, Goodwin, Burns, Dean, Nash, Sheppard, Bates, Lamb
Field, Rowe, Goddard, Slater, Pritchard, Stephens, Hobbs, Kirby, Tucker, Hussein
Choudhury, Begum-Ali, Bibi, Haque, Hoque, Sultana, Ullah, Zaman, Siddiqui, Qureshi
Raza, Anwar, Bashir, Butt, Chaudhry, Javed, Mirza, Nawaz, Rashid, Sheikh
Bhatt, Gupta, Jain, Kapoor, Lal, Modi, Naidoo, Pillai, Rao, Reddy
Grewal, Johal, Kang, Sahota, Virdi, Bhatti, Atwal, Dhaliwal, Gill-Singh, Sangha
Adeleke, Afolabi, Agyeman, Akinola, Amoah, Appiah, Babatunde, Danso, Eze, Nwosu
Obi, Ogunleye, Okeke, Okonkwo, Olaniyan, Onyango, Ochieng, Moyo, Ncube, Dlamini
Kamara, Sesay, Conteh, Bangura, Jalloh, Diallo, Traore, Mbeki, Mutasa, Chikwanha
Haile, Tesfaye, Gebre, Mekonnen, Osman, Abdullahi, Ahmed-Ali, Aden, Dahir, Jama
Popa, Stan, Dumitru, Constantin, Marin, Lazar, Kovacs, Nagy, Horvath, Toth
Petrov, Ivanov, Kuznetsov, Smirnov, Shevchenko, Kovalenko, Bondarenko, Melnyk, Jankowski, Mazur
Krawczyk, Piotrowski, Grabowski, Pawlak, Michalski, Nowicki, Adamczyk, Dudek, Zając, Wieczorek
Berisha, Krasniqi, Gashi, Hoxha, Shehu, Kaur-Singh, Petrauskas, Kazlauskas, Jankauskas, Ozols
Wu, Huang, Lin, Zhou, Xu, Sun, Ma, Zhu, Hu, Lam
Pham, Le, Hoang, Vu, Dang, Bui, Do, Ngo, Duong, Ly
Fernando, Perera, Silva-Perera, De Souza, D'Souza, Pinto, Gomes, Almeida, Carvalho, Oliveira
Moreno, Ruiz, Navarro, Romero, Torres, Ramirez, Herrera, Medina, Castro, Ortiz
Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti, De Luca
Brennan, Keane, Kavanagh, Nolan, Power, Walsh-Murphy, Whelan, Sweeney, Duffy, Boyle
Griffin, Barry, Regan, Moran, Fitzgerald, Dolan, Daly, Connolly, Flanagan, McLaughlin
`);
