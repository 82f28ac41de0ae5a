import { list } from './list.ts';

// Forenames in rough order of popularity among children born in England 2007-2026 (ONS baby-name
// tables blended across the period, with the diversity of today's child population). Order is
// what matters: names.ts weights them by rank, so the first few are common and the rest a tail.

export const boysForenames = list(`
Oliver, Muhammad, Noah, George, Harry, Jack, Leo, Jacob, Charlie, Oscar
Arthur, Thomas, Alfie, Freddie, Henry, Archie, Theo, Joshua, William, James
Lucas, Isaac, Theodore, Ethan, Finley, Logan, Samuel, Joseph, Max, Mason
Daniel, Alexander, Edward, Teddy, Dylan, Benjamin, Luca, Tommy, Rory, Riley
Sebastian, Harrison, Albie, Jude, Reggie, Elijah, Ezra, Roman, Hudson, Louie
Arlo, Jaxon, Ronnie, Sonny, Hugo, Louis, Toby, Lewis, Jenson, Harvey
Ralph, Albert, Grayson, Elliot, Frederick, Reuben, Jesse, Rowan, Stanley, Ellis
Bobby, Caleb, Adam, Ibrahim, Jasper, Otis, Felix, Yusuf, Michael, Nathan
Liam, Ryan, Gabriel, Jayden, Kai, Zachary, Aaron, Matthew, Callum, Connor
Jake, Tyler, Luke, Owen, Cameron, Kyle, Billy, Frankie, Leon, Aiden
Mohammed, Mohammad, Ahmed, Ali, Omar, Hamza, Ayaan, Zayn, Musa, Yahya
Ismail, Hassan, Hussain, Bilal, Idris, Ilyas, Abdullah, Rayyan, Zain, Haris
Arham, Usman, Zakariya, Aryan, Arjun, Rohan, Krish, Dev, Vihaan, Aarav
Kabir, Jaskaran, Gurveer, Harjot, Kacper, Jakub, Szymon, Filip, Mateusz, Antoni
Oskar, Aleksander, Andrei, Matei, Luka, Kwame, Kofi, Chidi, Emeka, Tobi
Oluwaseun, Tunde, Jamal, Malik, Tyrese, Kayden, Jaiden, Brandon, Declan, Cian
Niall, Sean, Patrick, Finn, Oisin, Ciaran, Rhys, Evan, Morgan, Mateo
Santiago, Marco, Enzo, Nico, Milo, Eli, Levi, Asher, Zion, Ezekiel
Jamie, Alex, Ben, Charles, Robert, David, Christopher, Nicholas, Kian, Joel
Ollie, Alfred, Austin, Blake, Carter, Hunter, Jackson, Chester, Ted, Fred
Harley, Jay, Kenzo, Lorenzo, Maximilian, Nathaniel, Oakley, Parker, Quinn, Rupert
Solomon, Tobias, Vincent, Wilfred, Xavier, Zac, Abdul, Adil, Amir, Ayan
Daniyal, Eesa, Hasan, Imran, Junaid, Khalid, Mustafa, Nasir, Raheem, Salman
Tariq, Waleed, Yasin, Zakaria, Ansh, Ishaan, Reyansh, Sai, Veer, Advik
Daniele, Dominik, Igor, Jan, Marcel, Nikodem, Stefan, Tymon, Wiktor, Mihai
Darius, Ionut, Bogdan, Ayodele, Chukwuemeka, Femi, Kehinde, Taiwo, Obinna, Yaw
Abdirahman, Abdi, Mohamed, Deng, Tendai, Tinashe, Kyrie, Tristan, Marcus, Dexter
Elias, Ibrahima, Cairo, Mylo, Bodhi, Rocco, Brody, Cody, Corey, Reece
`);

export const girlsForenames = list(`
Olivia, Amelia, Isla, Ava, Lily, Emily, Sophia, Grace, Mia, Ella
Freya, Isabella, Poppy, Ivy, Evie, Sophie, Florence, Charlotte, Isabelle, Willow
Daisy, Jessica, Ruby, Evelyn, Chloe, Sienna, Elsie, Millie, Matilda, Phoebe
Rosie, Harper, Alice, Ellie, Maya, Aria, Luna, Esme, Layla, Arabella
Eliza, Ada, Maeve, Penelope, Mila, Emilia, Violet, Hallie, Bonnie, Margot
Lottie, Thea, Georgia, Hannah, Scarlett, Lucy, Holly, Katie, Megan, Amy
Lauren, Leah, Erin, Caitlin, Imogen, Beatrice, Clara, Iris, Rose, Lyla
Mabel, Nancy, Robyn, Summer, Zara, Aisha, Fatima, Maryam, Hafsa, Khadija
Zainab, Inaaya, Anaya, Aaliyah, Ayesha, Sara, Sarah, Hana, Amira, Noor
Eesha, Simran, Priya, Diya, Navya, Anika, Saanvi, Jasmine, Amara, Chioma
Adaeze, Ngozi, Temi, Abigail, Zuzanna, Julia, Maja, Lena, Zofia, Hanna
Amelie, Eva, Elena, Maria, Anna, Gabriela, Natalia, Victoria, Niamh, Aoife
Orla, Ciara, Ffion, Seren, Carys, Cerys, Elin, Jade, Paige, Courtney
Tia, Skye, Heidi, Darcie, Darcy, Pippa, Riya, Sofia, Naomi, Keira
Kayla, Tilly, Martha, Edith, Elizabeth, Harriet, Eleanor, Lily-Mae, Ellie-Mae, Lacey-Mai
Maisie, Gracie, Zoe, Chloë, Lexi, Libby, Bella, Molly, Lola, Freyja
Emma, Rebecca, Bethany, Abbie, Nevaeh, Aurora, Hazel, Nellie, Ophelia, Orla-Rose
Kiera, Alexandra, Gabriella, Isabel, Josephine, Katherine, Margaret, Natalie, Rachel, Samantha
Annabelle, Delilah, Eden, Felicity, Hermione, Indie, Juniper, Kitty, Liberty, Marnie
Nina, Olive, Peggy, Remi, Sadie, Stella, Vienna, Wren, Yasmin, Zuri
Alina, Amina, Asiya, Esha, Hiba, Iqra, Jannat, Laiba, Madiha, Mariam
Nabiha, Rabia, Safa, Sumaya, Yusra, Aanya, Avni, Ishani, Kavya, Meera
Pari, Tara, Harleen, Jasleen, Manpreet, Amelka, Alicja, Emilia-Rose, Oliwia, Wiktoria
Antonia, Bianca, Daria, Ioana, Andreea, Ayomide, Chiamaka, Funmilayo, Ifeoma, Nneka
Adwoa, Akosua, Efua, Hodan, Ayaan, Fadumo, Nyasha, Rutendo, Kehinde, Taiwo
Ariana, Ayla, Bonita, Cora, Ellis, Faith, Hope, Kacey, Leila, Macy
`);

// Carers are a generation older, so their names come from a different, older set.
export const womensForenames = list(`
Sarah, Emma, Laura, Rebecca, Gemma, Claire, Nicola, Amy, Hannah, Kelly
Charlotte, Lisa, Rachel, Samantha, Jennifer, Natalie, Stacey, Victoria, Michelle, Katie
Jessica, Donna, Joanne, Louise, Lucy, Sophie, Kirsty, Leanne, Stephanie, Danielle
Amanda, Helen, Catherine, Zoe, Jade, Hayley, Emily, Lauren, Kate, Fiona
Nasreen, Shazia, Rukhsana, Farzana, Nazia, Sana, Ayesha, Fatima, Salma, Shabana
Priya, Sunita, Anita, Pooja, Kiran, Harpreet, Gurpreet, Manjit, Rajinder, Parminder
Agnieszka, Katarzyna, Magdalena, Joanna, Anna, Ioana, Elena, Maria, Oksana, Monika
Grace, Blessing, Funmilayo, Ngozi, Abena, Patience, Comfort, Chipo, Fartun, Hodan
Siobhan, Niamh, Bridget, Leah, Karen, Tracey, Julie, Dawn, Jodie, Chantelle
`);

export const mensForenames = list(`
David, Daniel, James, Christopher, Michael, Mark, Paul, Andrew, Matthew, Richard
Thomas, Robert, John, Adam, Lee, Craig, Stephen, Jamie, Ryan, Ben
Luke, Steven, Darren, Scott, Wayne, Gareth, Simon, Peter, Jonathan, Carl
Dean, Ashley, Kevin, Anthony, Neil, Jason, Stuart, Martin, Liam, Sam
Mohammed, Muhammad, Imran, Asif, Tariq, Zahid, Kamran, Shahid, Nadeem, Abdul
Rajesh, Sanjay, Amit, Vikram, Gurpreet, Harjinder, Jaspal, Sukhdev, Kulvinder, Ravi
Piotr, Tomasz, Krzysztof, Marcin, Pawel, Andrei, Ionut, Mihai, Vasile, Florin
Emmanuel, Oluwaseun, Chinedu, Kwabena, Kofi, Samuel, Tendai, Ahmed, Abdirahman, Yusuf
Sean, Patrick, Declan, Kieran, Gary, Shaun, Nathan, Dominic, Aaron, Joseph
`);
